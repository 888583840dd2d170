/** 吹哨报到 board: open cases a street has blown the whistle on, and which summoned units have reported in. */
import { Card, List, Space, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { CaseSummary } from '../../api/client';
import { formatTime } from '../../app/format';
import { useList } from '../org/useList';
import './strings';

export default function WhistleBoard() {
  const { t } = useTranslation();
  const list = useList<CaseSummary>('/api/cases/whistle-board');
  return (
    <Card title={t('cases.whistleBoard')}>
      <List
        loading={list.loading}
        dataSource={list.rows}
        locale={{ emptyText: t('common.none') }}
        renderItem={(c) => {
          const late = c.whistle ? new Date(c.whistle.reportDueAt) < new Date() : false;
          return (
            <List.Item>
              <Space direction="vertical" style={{ width: '100%' }}>
                <Space>
                  <Link to={`/cases/${c.id}`}>{c.number}</Link>
                  <b>{c.title}</b>
                  <Tag>{t(`cases.states.${c.state}`)}</Tag>
                  <Typography.Text type={late ? 'danger' : 'secondary'}>
                    {t('cases.reportDue')} {formatTime(c.whistle?.reportDueAt)}
                  </Typography.Text>
                </Space>
                <Space wrap>
                  {(c.whistle?.units ?? []).map((u) => (
                    <Tag
                      key={u.unitId}
                      color={u.reportedAt ? (u.late ? 'orange' : 'green') : late ? 'red' : 'default'}
                    >
                      {u.lead ? `${t('cases.lead')} · ` : ''}
                      {u.unitName ?? u.unitId} ·{' '}
                      {u.reportedAt ? (u.late ? t('cases.late') : t('cases.reported')) : t('cases.waiting')}
                    </Tag>
                  ))}
                </Space>
              </Space>
            </List.Item>
          );
        }}
      />
    </Card>
  );
}
