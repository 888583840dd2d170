/**
 * One incident (突发事件) as the command centre runs it: its time line, the action plan's tasks with their
 * deadlines, the resources near it on a map (dispatch and return), the people on duty, level changes,
 * the public notice and closing with a summary. The server decides who may do what; buttons only follow.
 */
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  Descriptions,
  Form,
  Input,
  InputNumber,
  List,
  Modal,
  Progress,
  Row,
  Select,
  Space,
  Table,
  Tag,
  Timeline,
  Typography,
} from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type ApiAnswer, get, type MapSettings, post } from '../../api/client';
import { useAuth } from '../../app/auth';
import { formatTime } from '../../app/format';
import { ResourceMap } from './ResourceMap';
import './strings';

export type Incident = ApiAnswer<'get', '/api/emergency/incidents/{id}'>;
type Nearby = ApiAnswer<'get', '/api/emergency/resources/nearest'>[number];
type Plan = ApiAnswer<'get', '/api/emergency/plans'>[number];
type Shift = ApiAnswer<'get', '/api/emergency/roster/on-duty'>[number];

const COMMAND = ['shift_lead', 'leader', 'admin'];
export const COLOUR_TAG: Record<string, string> = {
  red: 'red',
  orange: 'orange',
  yellow: 'gold',
  blue: 'blue',
};

export function IncidentDetail(props: { id: string; onChanged(): void }) {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const { me } = useAuth();
  const commands = (me?.roles ?? []).some((r) => COMMAND.includes(r));
  const [incident, setIncident] = useState<Incident | null>(null);
  const [nearby, setNearby] = useState<Nearby[]>([]);
  const [plans, setPlans] = useState<Plan[]>([]);
  const [onDuty, setOnDuty] = useState<Shift[]>([]);
  const [settings, setSettings] = useState<MapSettings | null>(null);
  const [dialog, setDialog] = useState<null | 'level' | 'close' | 'publish' | 'activate'>(null);
  const [amount, setAmount] = useState<Record<string, number>>({});
  const [note, setNote] = useState('');
  const [form] = Form.useForm();

  const load = useCallback(async () => {
    const d = await get<Incident>(`/api/emergency/incidents/${props.id}`);
    setIncident(d);
    if (d.lon !== null && d.lat !== null)
      setNearby(await get<Nearby[]>(`/api/emergency/resources/nearest?lon=${d.lon}&lat=${d.lat}&limit=8`));
    setOnDuty(await get<Shift[]>(`/api/emergency/roster/on-duty?unitId=${d.unitId}`));
  }, [props.id]);

  useEffect(() => {
    void load();
    void get<MapSettings>('/api/settings/map').then(setSettings);
    void get<Plan[]>('/api/emergency/plans').then(setPlans);
  }, [load]);

  const act = async (call: () => Promise<Incident>) => {
    try {
      setIncident(await call());
      setDialog(null);
      form.resetFields();
      props.onChanged();
      void load();
      void message.success(t('emergency.saved'));
    } catch (e) {
      void message.error(e instanceof Error ? e.message : String(e));
    }
  };

  if (!incident) return null;
  const open = incident.status === 'open';
  const tasksDone = incident.tasks.filter((x) => x.doneAt).length;
  const fitting = plans.filter((p) => p.type === incident.type && incident.level <= p.level);
  const lang = i18n.language;

  return (
    <Space direction="vertical" style={{ width: '100%' }} data-testid="incident-detail">
      <Card
        title={
          <Space wrap>
            <Typography.Text strong>{incident.number}</Typography.Text>
            <span data-testid="incident-title">{incident.title}</span>
            <Tag color={COLOUR_TAG[incident.colour]} data-testid="incident-level">
              {t(`emergency.levels.${incident.level}`)}
            </Tag>
            <Tag>{t(open ? 'emergency.open' : 'emergency.closed')}</Tag>
            <Tag color={incident.chainOk ? 'green' : 'red'}>
              {t(incident.chainOk ? 'emergency.chainOk' : 'emergency.chainBroken')}
            </Tag>
          </Space>
        }
        extra={
          commands && open ? (
            <Space wrap>
              <Button onClick={() => setDialog('level')} data-testid="change-level">
                {t('emergency.changeLevel')}
              </Button>
              <Button type="primary" onClick={() => setDialog('activate')} data-testid="activate-plan">
                {t('emergency.activate')}
              </Button>
              <Button onClick={() => setDialog('publish')}>{t('emergency.publish')}</Button>
              <Button danger onClick={() => setDialog('close')}>
                {t('emergency.close')}
              </Button>
            </Space>
          ) : null
        }
      >
        <Descriptions size="small" column={{ xs: 1, md: 3 }}>
          <Descriptions.Item label={t('emergency.type')}>
            {t(`emergency.types.${incident.type}`)} / {incident.subtype}
          </Descriptions.Item>
          <Descriptions.Item label={t('emergency.reportedAt')}>
            {formatTime(incident.createdAt, lang)}
          </Descriptions.Item>
          <Descriptions.Item label={t('emergency.place')}>{incident.areaCode}</Descriptions.Item>
          <Descriptions.Item label={t('emergency.commander')}>
            {incident.command.commander ?? '—'}
          </Descriptions.Item>
          <Descriptions.Item label={t('emergency.onSite')}>
            {incident.command.onSite ?? '—'}
          </Descriptions.Item>
          <Descriptions.Item label={t('emergency.liaison')}>
            {incident.command.liaison ?? '—'}
          </Descriptions.Item>
        </Descriptions>
        {incident.description && <Typography.Paragraph>{incident.description}</Typography.Paragraph>}
        {incident.publicNotice && (
          <Alert
            type="info"
            showIcon
            message={t('emergency.published')}
            description={incident.publicNotice}
          />
        )}
        {incident.summary && (
          <Alert type="success" message={t('emergency.summary')} description={incident.summary} />
        )}
      </Card>

      <Row gutter={12}>
        <Col xs={24} lg={14}>
          <Card
            size="small"
            title={t('emergency.actionPlan')}
            extra={
              incident.tasks.length ? (
                <Progress
                  percent={Math.round((tasksDone / incident.tasks.length) * 100)}
                  size="small"
                  style={{ width: 160 }}
                />
              ) : null
            }
          >
            {incident.activations.map((a) => (
              <Typography.Paragraph key={a.id} type="secondary" style={{ marginBottom: 4 }}>
                {a.planName} v{a.planVersion} · {formatTime(a.activatedAt, lang)}
              </Typography.Paragraph>
            ))}
            <Table
              size="small"
              rowKey="id"
              pagination={false}
              data-testid="action-tasks"
              locale={{ emptyText: t('emergency.noPlan') }}
              dataSource={incident.tasks}
              columns={[
                { title: t('emergency.step'), dataIndex: 'stepNo', width: 50 },
                { title: t('emergency.task'), dataIndex: 'title' },
                { title: t('emergency.unit'), dataIndex: 'unitName' },
                {
                  title: t('emergency.due'),
                  render: (_, x) => (
                    <Space size={4}>
                      {formatTime(x.dueAt, lang)}
                      {x.overdue && <Tag color="red">{t('emergency.overdue')}</Tag>}
                    </Space>
                  ),
                },
                {
                  title: t('emergency.status'),
                  render: (_, x) =>
                    x.doneAt ? (
                      <Tag color="green">{t('emergency.done')}</Tag>
                    ) : open ? (
                      <Button
                        size="small"
                        onClick={() => void act(() => post<Incident>(`/api/emergency/tasks/${x.id}/done`))}
                      >
                        {t('emergency.markDone')}
                      </Button>
                    ) : null,
                },
              ]}
            />
          </Card>
          <Card size="small" title={t('emergency.resources')} style={{ marginTop: 12 }}>
            {settings && incident.lon !== null && incident.lat !== null && (
              <ResourceMap
                settings={settings}
                incident={[incident.lon, incident.lat]}
                resources={nearby}
                height={280}
              />
            )}
            <Table
              size="small"
              rowKey="id"
              pagination={false}
              style={{ marginTop: 8 }}
              data-testid="nearby-resources"
              dataSource={nearby}
              columns={[
                { title: t('emergency.resources'), render: (_, r) => `${r.name} · ${r.category}` },
                { title: t('emergency.available'), render: (_, r) => `${r.available} ${r.measure}` },
                {
                  title: t('emergency.distance'),
                  render: (_, r) => t('emergency.metres', { m: r.distanceMetres }),
                },
                {
                  title: t('emergency.dispatch'),
                  render: (_, r) =>
                    commands && open ? (
                      <Space.Compact>
                        <InputNumber
                          size="small"
                          min={1}
                          max={r.available}
                          value={amount[r.id] ?? 1}
                          onChange={(v) => setAmount({ ...amount, [r.id]: Number(v ?? 1) })}
                          style={{ width: 70 }}
                        />
                        <Button
                          size="small"
                          type="primary"
                          data-testid="dispatch"
                          disabled={r.available < 1}
                          onClick={() =>
                            void act(() =>
                              post<Incident>(`/api/emergency/incidents/${incident.id}/dispatches`, {
                                resourceId: r.id,
                                quantity: amount[r.id] ?? 1,
                              }),
                            )
                          }
                        >
                          {t('emergency.dispatch')}
                        </Button>
                      </Space.Compact>
                    ) : null,
                },
              ]}
            />
            <Typography.Title level={5} style={{ marginTop: 12 }}>
              {t('emergency.dispatched')}
            </Typography.Title>
            <List
              size="small"
              data-testid="dispatches"
              dataSource={incident.dispatches}
              renderItem={(d) => (
                <List.Item
                  actions={
                    d.returnedAt
                      ? [<Tag key="r">{t('emergency.returned')}</Tag>]
                      : commands
                        ? [
                            <Button
                              key="b"
                              size="small"
                              onClick={() =>
                                void act(() => post<Incident>(`/api/emergency/dispatches/${d.id}/return`))
                              }
                            >
                              {t('emergency.giveBack')}
                            </Button>,
                          ]
                        : []
                  }
                >
                  {d.name} · {d.category} × {d.quantity} {d.measure} · {formatTime(d.dispatchedAt, lang)}
                </List.Item>
              )}
            />
          </Card>
        </Col>
        <Col xs={24} lg={10}>
          <Card size="small" title={t('emergency.onDuty')} data-testid="on-duty">
            {onDuty.length ? (
              <List
                size="small"
                dataSource={onDuty}
                renderItem={(s) => (
                  <List.Item>
                    <Space>
                      <Tag>{t(`emergency.roster.roles.${s.role}`)}</Tag>
                      {s.userName}
                      <Typography.Text type="secondary">{s.phone}</Typography.Text>
                    </Space>
                  </List.Item>
                )}
              />
            ) : (
              <Typography.Text type="secondary">{t('emergency.nobodyOnDuty')}</Typography.Text>
            )}
          </Card>
          <Card size="small" title={t('emergency.timeline')} style={{ marginTop: 12 }}>
            <Timeline
              data-testid="incident-timeline"
              items={incident.events.map((e) => ({
                key: e.seq,
                children: (
                  <>
                    <Typography.Text strong>
                      {t(`emergency.events.${e.type}`, { defaultValue: e.type })}
                    </Typography.Text>{' '}
                    <Typography.Text type="secondary">
                      {formatTime(e.at, lang)} · {e.actorName}
                    </Typography.Text>
                    {e.note && <div>{e.note}</div>}
                  </>
                ),
              }))}
            />
            {open && (
              <Space.Compact style={{ width: '100%' }}>
                <Input
                  value={note}
                  onChange={(e) => setNote(e.target.value)}
                  placeholder={t('emergency.addNote')}
                />
                <Button
                  disabled={!note.trim()}
                  onClick={() =>
                    void act(async () => {
                      const r = await post<Incident>(`/api/emergency/incidents/${incident.id}/notes`, {
                        note,
                      });
                      setNote('');
                      return r;
                    })
                  }
                >
                  {t('emergency.note')}
                </Button>
              </Space.Compact>
            )}
          </Card>
        </Col>
      </Row>

      <Modal
        open={dialog !== null}
        title={dialog ? t(`emergency.${dialog === 'level' ? 'changeLevel' : dialog}`) : ''}
        okText={t('emergency.ok')}
        cancelText={t('emergency.cancel')}
        onCancel={() => setDialog(null)}
        onOk={() => form.submit()}
        destroyOnHidden
      >
        <Form
          form={form}
          layout="vertical"
          onFinish={(v: {
            level?: number;
            note?: string;
            summary?: string;
            notice?: string;
            planId?: string;
          }) => {
            const base = `/api/emergency/incidents/${incident.id}`;
            if (dialog === 'level')
              void act(() => post<Incident>(`${base}/level`, { level: v.level, note: v.note }));
            if (dialog === 'close') void act(() => post<Incident>(`${base}/close`, { summary: v.summary }));
            if (dialog === 'publish')
              void act(() =>
                post<Incident>(`${base}/publish`, { notice: v.notice?.trim() ? v.notice : null }),
              );
            if (dialog === 'activate')
              void act(() => post<Incident>(`${base}/activations`, { planId: v.planId }));
          }}
        >
          {dialog === 'level' && (
            <>
              <Form.Item name="level" label={t('emergency.newLevel')} rules={[{ required: true }]}>
                <Select
                  options={[1, 2, 3, 4]
                    .filter((l) => l !== incident.level)
                    .map((l) => ({ value: l, label: t(`emergency.levels.${l}`) }))}
                />
              </Form.Item>
              <Form.Item name="note" label={t('emergency.reason')} rules={[{ required: true }]}>
                <Input.TextArea rows={2} />
              </Form.Item>
            </>
          )}
          {dialog === 'close' && (
            <Form.Item name="summary" label={t('emergency.summary')} rules={[{ required: true, min: 2 }]}>
              <Input.TextArea rows={4} />
            </Form.Item>
          )}
          {dialog === 'publish' && (
            <Form.Item name="notice" label={t('emergency.notice')} initialValue={incident.publicNotice ?? ''}>
              <Input.TextArea rows={3} />
            </Form.Item>
          )}
          {dialog === 'activate' && (
            <Form.Item name="planId" label={t('emergency.choosePlan')} rules={[{ required: true }]}>
              <Select
                data-testid="plan-select"
                options={fitting.map((p) => ({ value: p.id, label: `${p.name} v${p.version}` }))}
              />
            </Form.Item>
          )}
        </Form>
      </Modal>
    </Space>
  );
}
