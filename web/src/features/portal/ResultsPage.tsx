/**
 * 公开结果 on the portal: each work report's targets with their lead units and status, as citizens may
 * see them (GET /api/public/targets answers nothing internal: no notes, narratives, urgings or people).
 */
import { Card, List, Progress, Space, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { type ApiAnswer, get } from '../../api/client';

type Results = ApiAnswer<'get', '/api/public/targets'>;
type PublicTarget = Results[number]['targets'][number];

const STATUS_COLOR: Record<PublicTarget['status'], string> = {
  not_started: 'default',
  green: 'green',
  yellow: 'gold',
  red: 'red',
  done: 'blue',
};

export function ResultsPage() {
  const { t } = useTranslation();
  const [reports, setReports] = useState<Results | null>(null);
  useEffect(() => {
    void get<Results>('/api/public/targets').then(setReports);
  }, []);
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Typography.Title level={4} data-testid="results-title">
        {t('portal.results.title')}
      </Typography.Title>
      <Typography.Paragraph type="secondary">{t('portal.results.intro')}</Typography.Paragraph>
      {reports?.length === 0 && <Typography.Text>{t('portal.results.empty')}</Typography.Text>}
      {reports?.map((r) => (
        <Card key={r.id} size="small" title={`${r.title} (${r.year})`}>
          <List<PublicTarget>
            dataSource={r.targets}
            renderItem={(item) => (
              <List.Item data-testid="public-target">
                <Space direction="vertical" size={2} style={{ width: '100%' }}>
                  <Space wrap>
                    <Typography.Text strong>{item.indicator}</Typography.Text>
                    <Typography.Text>
                      {item.measure ?? ''} {item.value}
                      {item.valueMax !== null ? `–${item.valueMax}` : ''}
                      {item.unit}
                    </Typography.Text>
                    <Tag color={STATUS_COLOR[item.status]} data-testid="public-status">
                      {t(`portal.results.status.${item.status}`)}
                    </Tag>
                  </Space>
                  {item.leadUnits.length > 0 && (
                    <Typography.Text type="secondary">
                      {t('portal.results.leadUnits')}: {item.leadUnits.join(', ')}
                    </Typography.Text>
                  )}
                  {item.progress !== null && <Progress percent={item.progress} size="small" />}
                </Space>
              </List.Item>
            )}
          />
        </Card>
      ))}
      <Link to="/portal">{t('portal.results.back')}</Link>
    </Space>
  );
}
