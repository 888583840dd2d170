/**
 * The incident board (应急指挥): open and closed incidents of the caller's area beside the chosen one's
 * detail, and the device alarms the rules kept to check (核查) or turned into incidents.
 */
import { App, Button, Card, Col, Input, Row, Segmented, Space, Table, Tabs, Tag } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { type ApiAnswer, get, post } from '../../api/client';
import { formatTime } from '../../app/format';
import { COLOUR_TAG, IncidentDetail } from './IncidentDetail';
import './strings';

type Summary = ApiAnswer<'get', '/api/emergency/incidents'>[number];
type Alarm = ApiAnswer<'get', '/api/emergency/alarms'>[number];

export default function EmergencyBoard() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const selected = params.get('id');
  const [tab, setTab] = useState('incidents');
  const [status, setStatus] = useState<'open' | 'closed' | 'all'>('open');
  const [list, setList] = useState<Summary[]>([]);
  const load = useCallback(async () => {
    setList(await get<Summary[]>(`/api/emergency/incidents${status === 'all' ? '' : `?status=${status}`}`));
  }, [status]);
  useEffect(() => {
    void load();
  }, [load]);
  const pick = (id: string) => {
    setParams({ id });
    setTab('incidents');
  };
  return (
    <Tabs
      activeKey={tab}
      onChange={setTab}
      items={[
        {
          key: 'incidents',
          label: t('emergency.board'),
          children: (
            <Row gutter={12}>
              <Col xs={24} xl={7}>
                <Card
                  size="small"
                  title={
                    <Segmented
                      value={status}
                      onChange={(v) => setStatus(v as typeof status)}
                      options={[
                        { value: 'open', label: t('emergency.open') },
                        { value: 'closed', label: t('emergency.closed') },
                        { value: 'all', label: t('emergency.all') },
                      ]}
                    />
                  }
                >
                  <Table
                    size="small"
                    rowKey="id"
                    data-testid="incident-list"
                    pagination={{ pageSize: 15 }}
                    dataSource={list}
                    onRow={(r) => ({ onClick: () => pick(r.id), style: { cursor: 'pointer' } })}
                    rowClassName={(r) => (r.id === selected ? 'ant-table-row-selected' : '')}
                    columns={[
                      {
                        title: t('emergency.title'),
                        render: (_, r) => (
                          <Space direction="vertical" size={0}>
                            <span>{r.title}</span>
                            <span style={{ color: '#888', fontSize: 12 }}>
                              {r.number} · {formatTime(r.createdAt)}
                            </span>
                          </Space>
                        ),
                      },
                      {
                        title: t('emergency.level'),
                        width: 70,
                        render: (_, r) => (
                          <Tag color={COLOUR_TAG[r.colour]}>{['Ⅰ', 'Ⅱ', 'Ⅲ', 'Ⅳ'][r.level - 1]}</Tag>
                        ),
                      },
                    ]}
                  />
                </Card>
              </Col>
              <Col xs={24} xl={17}>
                {selected ? (
                  <IncidentDetail key={selected} id={selected} onChanged={() => void load()} />
                ) : (
                  <Card>{t('emergency.pickIncident')}</Card>
                )}
              </Col>
            </Row>
          ),
        },
        { key: 'alarms', label: t('emergency.alarms'), children: <Alarms onOpen={pick} /> },
      ]}
    />
  );
}

function Alarms(props: { onOpen(id: string): void }) {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const [rows, setRows] = useState<Alarm[]>([]);
  const [notes, setNotes] = useState<Record<string, string>>({});
  const load = useCallback(async () => setRows(await get<Alarm[]>('/api/emergency/alarms')), []);
  useEffect(() => {
    void load();
  }, [load]);
  const check = async (id: string, outcome: 'confirmed' | 'false_alarm') => {
    try {
      const r = await post<Alarm>(`/api/emergency/alarms/${id}/check`, { outcome, note: notes[id] ?? '' });
      void load();
      if (r.incidentId) props.onOpen(r.incidentId);
    } catch (e) {
      void message.error(e instanceof Error ? e.message : String(e));
    }
  };
  return (
    <Table
      size="small"
      rowKey="id"
      data-testid="alarm-list"
      dataSource={rows}
      columns={[
        { title: t('emergency.alarm.receivedAt'), render: (_, r) => formatTime(r.receivedAt, i18n.language) },
        { title: t('emergency.alarm.device'), render: (_, r) => `${r.deviceName} (${r.deviceId})` },
        { title: t('emergency.alarm.alarmType'), dataIndex: 'alarmType' },
        { title: t('emergency.alarm.building'), dataIndex: 'building' },
        {
          title: t('emergency.alarm.status'),
          render: (_, r) => (
            <Tag color={r.status === 'to_check' ? 'orange' : r.status === 'incident' ? 'red' : undefined}>
              {t(`emergency.alarm.statuses.${r.status}`)}
            </Tag>
          ),
        },
        {
          title: '',
          render: (_, r) =>
            r.status === 'to_check' ? (
              <Space.Compact>
                <Input
                  size="small"
                  placeholder={t('emergency.alarm.checkNote')}
                  value={notes[r.id] ?? ''}
                  onChange={(e) => setNotes({ ...notes, [r.id]: e.target.value })}
                />
                <Button
                  size="small"
                  disabled={!notes[r.id]?.trim()}
                  onClick={() => void check(r.id, 'false_alarm')}
                >
                  {t('emergency.alarm.falseAlarm')}
                </Button>
                <Button
                  size="small"
                  danger
                  disabled={!notes[r.id]?.trim()}
                  onClick={() => void check(r.id, 'confirmed')}
                >
                  {t('emergency.alarm.confirm')}
                </Button>
              </Space.Compact>
            ) : r.incidentId ? (
              <Button size="small" type="link" onClick={() => props.onOpen(r.incidentId as string)}>
                {t('emergency.alarm.openIncident')}
              </Button>
            ) : null,
        },
      ]}
    />
  );
}
