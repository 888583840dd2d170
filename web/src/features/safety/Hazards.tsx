/** 隐患排查治理: the list, the board by state and the map; registering a hazard, or turning a case into one. */
import {
  App,
  Button,
  Card,
  Col,
  Form,
  Input,
  InputNumber,
  Modal,
  Row,
  Segmented,
  Select,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { type ApiAnswer, type CaseDetail, get, post } from '../../api/client';
import { useAuth } from '../../app/auth';
import { formatTime } from '../../app/format';
import { useList } from '../org/useList';
import type { Place } from './Registry';
import { SafetyMap } from './SafetyMap';
import { HAZARD_STATES, LEVEL_COLORS } from './strings';

export type Hazard = ApiAnswer<'get', '/api/safety/hazards'>[number];
export type HazardDetailT = ApiAnswer<'get', '/api/safety/hazards/{id}'>;

export function HazardTags({ h }: { h: Hazard }) {
  const { t } = useTranslation();
  return (
    <Space size={4} wrap>
      <Tag color={h.grade === 'major' ? 'red' : 'blue'}>
        {t(`safety.grades.${h.grade}`)}
        {h.majorLevel ? ` ${t(`safety.majorLevels.${h.majorLevel}`)}` : ''}
      </Tag>
      <Tag color={LEVEL_COLORS[h.level]}>{t(`safety.levels.${h.level}`)}</Tag>
      {h.escalated && <Tag color="magenta">{t('safety.escalated')}</Tag>}
      {h.listedLevel && <Tag color="purple">{t(`safety.listedLevels.${h.listedLevel}`)}</Tag>}
    </Space>
  );
}

export function Hazards() {
  const { t } = useTranslation();
  const { me } = useAuth();
  const navigate = useNavigate();
  const [view, setView] = useState<'list' | 'board' | 'map'>('list');
  const [state, setState] = useState<string | undefined>();
  const [grade, setGrade] = useState<string | undefined>();
  const [creating, setCreating] = useState(false);
  const [params] = useSearchParams();
  const fromCase = params.get('fromCase');
  const [converting, setConverting] = useState(fromCase !== null);
  const query = new URLSearchParams(
    Object.entries({ state: view === 'board' ? undefined : state, grade, limit: '500' }).filter(
      (e): e is [string, string] => !!e[1],
    ),
  ).toString();
  const list = useList<Hazard>(`/api/safety/hazards?${query}`);
  const field = me?.roles.some((r) => r === 'supervisor' || r === 'admin' || r === 'inspector') ?? false;
  const open = (id: string) => void navigate(`/safety/hazards/${id}`);

  return (
    <Card
      title={t('safety.hazards')}
      extra={
        <Space>
          <Segmented
            value={view}
            onChange={(v) => setView(v as typeof view)}
            options={[
              { value: 'list', label: t('safety.list') },
              { value: 'board', label: t('safety.board') },
              { value: 'map', label: t('safety.map') },
            ]}
            data-testid="hazard-view"
          />
          {field && <Button onClick={() => setConverting(true)}>{t('safety.fromCase')}</Button>}
          {field && (
            <Button type="primary" onClick={() => setCreating(true)}>
              {t('safety.newHazard')}
            </Button>
          )}
        </Space>
      }
    >
      <Space style={{ marginBottom: 12 }}>
        {view !== 'board' && (
          <Select
            allowClear
            placeholder={t('safety.state')}
            style={{ width: 140 }}
            value={state}
            onChange={setState}
            options={HAZARD_STATES.map((s) => ({ value: s, label: t(`safety.states.${s}`) }))}
          />
        )}
        <Select
          allowClear
          placeholder={t('safety.grade')}
          style={{ width: 140 }}
          value={grade}
          onChange={setGrade}
          options={(['general', 'major'] as const).map((g) => ({ value: g, label: t(`safety.grades.${g}`) }))}
        />
      </Space>
      {view === 'list' && (
        <Table<Hazard>
          rowKey="id"
          size="middle"
          loading={list.loading}
          dataSource={list.rows}
          data-testid="hazard-table"
          columns={[
            {
              title: t('safety.description'),
              dataIndex: 'description',
              render: (d: string, h) => <Link to={`/safety/hazards/${h.id}`}>{d}</Link>,
            },
            { title: t('safety.place'), dataIndex: 'placeName' },
            { title: t('safety.class'), dataIndex: 'class' },
            { title: '', render: (_, h) => <HazardTags h={h} /> },
            {
              title: t('safety.state'),
              dataIndex: 'state',
              render: (s: string) => t(`safety.states.${s}`),
            },
            { title: t('safety.deadline'), dataIndex: 'deadline', render: (d: string) => formatTime(d) },
          ]}
        />
      )}
      {view === 'board' && (
        <Row gutter={8} wrap={false} style={{ overflowX: 'auto' }} data-testid="hazard-board">
          {HAZARD_STATES.map((s) => {
            const items = list.rows.filter((h) => h.state === s);
            return (
              <Col key={s} flex="1 0 200px">
                <Card size="small" title={`${t(`safety.states.${s}`)} (${items.length})`}>
                  <Space direction="vertical" style={{ width: '100%' }}>
                    {items.map((h) => (
                      <Card
                        key={h.id}
                        size="small"
                        hoverable
                        onClick={() => open(h.id)}
                        styles={{ body: { padding: 8 } }}
                      >
                        <Typography.Text strong>{h.placeName}</Typography.Text>
                        <div>{h.description}</div>
                        <HazardTags h={h} />
                      </Card>
                    ))}
                  </Space>
                </Card>
              </Col>
            );
          })}
        </Row>
      )}
      {view === 'map' && (
        <SafetyMap
          scope={me?.scope ?? ''}
          onPick={open}
          points={list.rows.map((h) => ({
            id: h.id,
            lon: h.lon,
            lat: h.lat,
            label: `${h.placeName} · ${h.description}`,
            color:
              h.level === 'overdue'
                ? 'red'
                : h.grade === 'major'
                  ? 'orange'
                  : h.level === 'done'
                    ? 'green'
                    : 'blue',
          }))}
        />
      )}
      <NewHazard open={creating} onClose={() => setCreating(false)} onSaved={(h) => open(h.id)} />
      <FromCase
        open={converting}
        number={fromCase ?? ''}
        onClose={() => setConverting(false)}
        onSaved={(h) => open(h.id)}
      />
    </Card>
  );
}

function PlaceSelect(props: { value?: string; onChange?(v: string): void }) {
  const { t } = useTranslation();
  const [q, setQ] = useState('');
  const places = useList<Place>(`/api/safety/places?limit=50${q ? `&q=${encodeURIComponent(q)}` : ''}`);
  return (
    <Select
      showSearch
      filterOption={false}
      onSearch={setQ}
      value={props.value}
      onChange={props.onChange}
      data-testid="hazard-place"
      options={places.rows.map((p) => ({
        value: p.id,
        label: t('safety.person', { name: p.name, unit: p.industry }),
      }))}
    />
  );
}

type HazardFormValues = {
  placeId: string;
  class: string;
  grade: 'general' | 'major';
  majorLevel?: number;
  foundBy?: string;
  description?: string;
  measures?: string;
  responsiblePerson?: string;
  days: number;
  funds?: number;
  listedLevel?: string;
};

function HazardFields(props: { full: boolean }) {
  const { t } = useTranslation();
  return (
    <>
      <Form.Item name="placeId" label={t('safety.place')} rules={[{ required: true }]}>
        <PlaceSelect />
      </Form.Item>
      <Form.Item name="class" label={t('safety.class')} rules={[{ required: true }]}>
        <Input data-testid="hazard-class" />
      </Form.Item>
      <Space>
        <Form.Item name="grade" label={t('safety.grade')} rules={[{ required: true }]}>
          <Select
            style={{ width: 140 }}
            options={(['general', 'major'] as const).map((g) => ({
              value: g,
              label: t(`safety.grades.${g}`),
            }))}
          />
        </Form.Item>
        <Form.Item noStyle shouldUpdate={(a, b) => a.grade !== b.grade}>
          {({ getFieldValue }) =>
            getFieldValue('grade') === 'major' ? (
              <Form.Item name="majorLevel" label={t('safety.majorLevel')} rules={[{ required: true }]}>
                <Select
                  style={{ width: 120 }}
                  options={[1, 2, 3].map((l) => ({ value: l, label: t(`safety.majorLevels.${l}`) }))}
                />
              </Form.Item>
            ) : null
          }
        </Form.Item>
        <Form.Item name="days" label={t('safety.limitDays')} rules={[{ required: true }]}>
          <InputNumber min={1} max={365} />
        </Form.Item>
      </Space>
      {props.full && (
        <>
          <Form.Item name="foundBy" label={t('safety.foundBy')} rules={[{ required: true }]}>
            <Select
              options={(['self_check', 'inspection', 'citizen_report', 'device'] as const).map((f) => ({
                value: f,
                label: t(`safety.foundBys.${f}`),
              }))}
            />
          </Form.Item>
          <Form.Item name="description" label={t('safety.description')} rules={[{ required: true, min: 2 }]}>
            <Input.TextArea rows={3} />
          </Form.Item>
          <Form.Item name="measures" label={t('safety.measures')}>
            <Input.TextArea rows={2} />
          </Form.Item>
          <Space>
            <Form.Item name="responsiblePerson" label={t('safety.responsiblePerson')}>
              <Input />
            </Form.Item>
            <Form.Item name="funds" label={t('safety.funds')}>
              <InputNumber min={0} />
            </Form.Item>
            <Form.Item name="listedLevel" label={t('safety.listedLevel')}>
              <Select
                allowClear
                style={{ width: 140 }}
                options={(['district', 'city', 'province'] as const).map((l) => ({
                  value: l,
                  label: t(`safety.listedLevels.${l}`),
                }))}
              />
            </Form.Item>
          </Space>
        </>
      )}
    </>
  );
}

const limitOf = (days: number) => ({ limit: { value: days, unit: 'work_day' as const } });

function NewHazard(props: { open: boolean; onClose(): void; onSaved(h: HazardDetailT): void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<HazardFormValues>();
  const save = async (v: HazardFormValues) => {
    try {
      const h = await post<HazardDetailT>('/api/safety/hazards', {
        placeId: v.placeId,
        class: v.class,
        grade: v.grade,
        majorLevel: v.grade === 'major' ? v.majorLevel : null,
        foundBy: v.foundBy,
        description: v.description,
        measures: v.measures ?? '',
        responsiblePerson: v.responsiblePerson ?? '',
        funds: v.funds ?? null,
        listedLevel: v.listedLevel ?? null,
        ...limitOf(v.days),
      });
      props.onSaved(h);
    } catch (e) {
      void message.error(e instanceof Error ? e.message : String(e));
    }
  };
  return (
    <Modal
      open={props.open}
      title={t('safety.newHazard')}
      onCancel={props.onClose}
      onOk={() => form.submit()}
      okText={t('safety.save')}
      cancelText={t('safety.cancel')}
      width={640}
      destroyOnHidden
    >
      <Form
        form={form}
        layout="vertical"
        initialValues={{ grade: 'general', foundBy: 'self_check', days: 5 }}
        onFinish={(v) => void save(v)}
      >
        <HazardFields full />
      </Form>
    </Modal>
  );
}

/** 案件转隐患: the case is found by its number; its text and origin are taken over by the server. */
function FromCase(props: {
  open: boolean;
  /** A case number to look up at once (from the case's own page). */
  number: string;
  onClose(): void;
  onSaved(h: HazardDetailT): void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<HazardFormValues>();
  const [found, setFound] = useState<CaseDetail | null>(null);
  const fail = (e: unknown) => void message.error(e instanceof Error ? e.message : String(e));
  const find = useCallback(
    (n: string) =>
      n.trim() &&
      get<CaseDetail>(`/api/cases/${encodeURIComponent(n.trim())}`).then(setFound, (e: unknown) =>
        message.error(e instanceof Error ? e.message : String(e)),
      ),
    [message],
  );
  useEffect(() => {
    if (props.open && props.number) void find(props.number);
  }, [props.open, props.number, find]);
  const save = async (v: HazardFormValues) => {
    if (!found) return;
    await post<HazardDetailT>('/api/safety/hazards/from-case', {
      caseId: found.id,
      placeId: v.placeId,
      class: v.class,
      grade: v.grade,
      majorLevel: v.grade === 'major' ? v.majorLevel : null,
      ...limitOf(v.days),
    }).then(props.onSaved, fail);
  };
  return (
    <Modal
      open={props.open}
      title={t('safety.fromCase')}
      onCancel={props.onClose}
      onOk={() => form.submit()}
      okText={t('safety.convert')}
      okButtonProps={{ disabled: !found }}
      cancelText={t('safety.cancel')}
      width={640}
      destroyOnHidden
    >
      <Input.Search
        defaultValue={props.number}
        placeholder={t('safety.caseNumber')}
        enterButton={t('safety.findCase')}
        onSearch={(n) => void find(n)}
        data-testid="from-case-number"
        style={{ marginBottom: 12 }}
      />
      {found && (
        <Typography.Paragraph data-testid="from-case-found">
          {t('safety.caseFound', { title: found.title, category: found.categoryName })}
          <br />
          <Typography.Text type="secondary">{found.description}</Typography.Text>
        </Typography.Paragraph>
      )}
      <Form
        form={form}
        layout="vertical"
        initialValues={{ grade: 'general', days: 5 }}
        onFinish={(v) => void save(v)}
      >
        <HazardFields full={false} />
      </Form>
    </Modal>
  );
}
