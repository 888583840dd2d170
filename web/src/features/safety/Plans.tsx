/** 双随机、一公开: plans (create with pool filters, roster and seed), the draw with its seed and strata, results. */
import {
  Alert,
  App,
  Button,
  Card,
  Descriptions,
  Form,
  Input,
  InputNumber,
  Modal,
  Select,
  Space,
  Switch,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { type ApiAnswer, get, post } from '../../api/client';
import { useAuth } from '../../app/auth';
import { formatTime } from '../../app/format';
import { useList } from '../org/useList';
import { canWrite } from './Registry';
import { type Finding, ResultFields, resultBody, today } from './ResultFields';
import { RISK_GRADES } from './strings';

type PlanSummary = ApiAnswer<'get', '/api/safety/plans'>[number];
export type Plan = ApiAnswer<'get', '/api/safety/plans/{id}'>;
type Target = Plan['targets'][number];

/** Roster lines "id, name, unit[, placeId …]" → entries; the first bad line's number, or null. */
export function parseRoster(
  text: string,
):
  | { ok: true; roster: { id: string; name: string; unit: string; conflicts: string[] }[] }
  | { ok: false; line: number } {
  const roster = [];
  const lines = text.split('\n').map((l) => l.trim());
  for (const [i, line] of lines.entries()) {
    if (!line) continue;
    const [id, name, unit, ...rest] = line.split(/[,，]/).map((s) => s.trim());
    if (!id || !name || !unit) return { ok: false, line: i + 1 };
    roster.push({ id, name, unit, conflicts: rest.join(' ').split(/\s+/).filter(Boolean) });
  }
  return { ok: true, roster };
}

export function Plans() {
  const { t, i18n } = useTranslation();
  const { me } = useAuth();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const list = useList<PlanSummary>('/api/safety/plans');
  const [creating, setCreating] = useState(false);
  const [form] = Form.useForm();

  const create = async (v: Record<string, unknown>) => {
    const r = parseRoster(String(v.roster ?? ''));
    if (!r.ok) return void message.error(t('safety.rosterInvalid', { line: r.line }));
    try {
      const plan = await post<Plan>('/api/safety/plans', {
        title: v.title,
        areaCode: v.areaCode,
        industries: String(v.industries ?? '')
          .split(/[,，]/)
          .map((s) => s.trim())
          .filter(Boolean),
        grades: v.grades ?? [],
        excludeInspectedMonths: v.excludeInspectedMonths ?? 0,
        targetCount: v.targetCount,
        differentUnits: v.differentUnits,
        roster: r.roster,
        ...(v.seed ? { seed: v.seed } : {}),
      });
      setCreating(false);
      void navigate(`/safety/plans/${plan.id}`);
    } catch (e) {
      void message.error(e instanceof Error ? e.message : String(e));
    }
  };

  return (
    <Card
      title={t('safety.plans')}
      extra={
        canWrite(me?.roles) && (
          <Button type="primary" onClick={() => setCreating(true)} data-testid="plan-new">
            {t('safety.newPlan')}
          </Button>
        )
      }
    >
      <Table<PlanSummary>
        rowKey="id"
        size="middle"
        loading={list.loading}
        dataSource={list.rows}
        columns={[
          {
            title: t('safety.title'),
            dataIndex: 'title',
            render: (s: string, p) => <Link to={`/safety/plans/${p.id}`}>{s}</Link>,
          },
          { title: t('safety.area'), dataIndex: 'areaCode' },
          { title: t('safety.targetCount'), dataIndex: 'targetCount' },
          {
            title: t('safety.state'),
            dataIndex: 'drawnAt',
            render: (d: string | null) =>
              d ? <Tag color="green">{t('safety.drawn')}</Tag> : <Tag>{t('safety.notDrawn')}</Tag>,
          },
          { title: t('safety.seed'), dataIndex: 'seed', render: (s: string) => <code>{s}</code> },
          {
            title: t('safety.createdAt'),
            dataIndex: 'createdAt',
            render: (s: string) => formatTime(s, i18n.language),
          },
        ]}
      />
      <Modal
        open={creating}
        title={t('safety.newPlan')}
        onCancel={() => setCreating(false)}
        onOk={() => form.submit()}
        okText={t('safety.save')}
        cancelText={t('safety.cancel')}
        width={640}
        destroyOnHidden
      >
        <Form
          form={form}
          layout="vertical"
          initialValues={{
            areaCode: me?.scope,
            targetCount: 5,
            differentUnits: true,
            excludeInspectedMonths: 0,
          }}
          onFinish={(v) => void create(v)}
        >
          <Form.Item name="title" label={t('safety.title')} rules={[{ required: true, min: 2 }]}>
            <Input data-testid="plan-title" />
          </Form.Item>
          <Form.Item name="areaCode" label={t('safety.area')} rules={[{ required: true }]}>
            <Input data-testid="plan-area" />
          </Form.Item>
          <Form.Item name="industries" label={t('safety.industries')}>
            <Input />
          </Form.Item>
          <Form.Item name="grades" label={t('safety.grades2')}>
            <Select
              mode="multiple"
              options={RISK_GRADES.map((g) => ({ value: g, label: t(`safety.riskGrades.${g}`) }))}
            />
          </Form.Item>
          <Space>
            <Form.Item name="targetCount" label={t('safety.targetCount')} rules={[{ required: true }]}>
              <InputNumber min={1} max={10000} data-testid="plan-count" />
            </Form.Item>
            <Form.Item name="excludeInspectedMonths" label={t('safety.excludeMonths')}>
              <InputNumber min={0} max={60} />
            </Form.Item>
          </Space>
          <Form.Item name="differentUnits" label={t('safety.differentUnits')} valuePropName="checked">
            <Switch />
          </Form.Item>
          <Form.Item
            name="roster"
            label={t('safety.roster')}
            extra={t('safety.rosterHelp')}
            rules={[{ required: true }]}
          >
            <Input.TextArea rows={5} data-testid="plan-roster" />
          </Form.Item>
          <Form.Item name="seed" label={t('safety.seed')} extra={t('safety.seedHelp')}>
            <Input data-testid="plan-seed" />
          </Form.Item>
        </Form>
      </Modal>
    </Card>
  );
}

export function PlanDetail() {
  const { id = '' } = useParams();
  const { t, i18n } = useTranslation();
  const { me } = useAuth();
  const { message } = App.useApp();
  const [plan, setPlan] = useState<Plan | null>(null);
  const [entering, setEntering] = useState<Target | null>(null);
  const fail = useCallback(
    (e: unknown) => void message.error(e instanceof Error ? e.message : String(e)),
    [message],
  );
  useEffect(() => void get<Plan>(`/api/safety/plans/${id}`).then(setPlan, fail), [id, fail]);
  if (!plan) return null;
  const field = me?.roles.some((r) => r === 'supervisor' || r === 'admin' || r === 'inspector') ?? false;

  return (
    <Card
      title={plan.title}
      extra={
        <Space>
          {plan.drawnAt && (
            <a href={`/portal/safety/${plan.id}`} target="_blank" rel="noreferrer">
              {t('safety.publicPage')}
            </a>
          )}
          <Link to="/safety/plans">{t('safety.plans')}</Link>
        </Space>
      }
    >
      <Descriptions column={2} size="small" bordered>
        <Descriptions.Item label={t('safety.seed')}>
          <Typography.Text code copyable data-testid="plan-seed-shown">
            {plan.seed}
          </Typography.Text>
        </Descriptions.Item>
        <Descriptions.Item label={t('safety.algorithm')}>
          <code>{plan.algorithm}</code>
        </Descriptions.Item>
        <Descriptions.Item label={t('safety.area')}>{plan.filters.areaCode}</Descriptions.Item>
        <Descriptions.Item label={t('safety.targetCount')}>{plan.targetCount}</Descriptions.Item>
        <Descriptions.Item label={t('safety.industry')}>
          {plan.filters.industries.join(t('safety.sep')) || t('safety.all')}
        </Descriptions.Item>
        <Descriptions.Item label={t('safety.riskGrade')}>
          {plan.filters.grades.map((g) => t(`safety.riskGrades.${g}`)).join(t('safety.sep')) ||
            t('safety.all')}
        </Descriptions.Item>
        <Descriptions.Item label={t('safety.excludeMonths')}>
          {plan.filters.excludeInspectedMonths}
        </Descriptions.Item>
        <Descriptions.Item label={t('safety.roster')}>
          {plan.roster.map((r) => t('safety.person', { name: r.name, unit: r.unit })).join(t('safety.sep'))}
        </Descriptions.Item>
        <Descriptions.Item label={t('safety.drawnAt')}>
          {plan.drawnAt ? formatTime(plan.drawnAt, i18n.language) : t('safety.notDrawn')}
        </Descriptions.Item>
        <Descriptions.Item label={t('safety.pool')}>{plan.pool?.length ?? '—'}</Descriptions.Item>
        {plan.strata && (
          <Descriptions.Item label={t('safety.strata')} span={2}>
            <Space wrap>
              {plan.strata.map((s) => (
                <Tag key={s.grade}>
                  {t('safety.stratum', {
                    grade: t(`safety.riskGrades.${s.grade}`),
                    size: s.size,
                    drawn: s.drawn,
                  })}
                </Tag>
              ))}
            </Space>
          </Descriptions.Item>
        )}
      </Descriptions>
      {plan.drawnAt ? (
        <Alert
          type="info"
          showIcon
          title={t('safety.replay', { id: plan.id })}
          style={{ margin: '12px 0' }}
        />
      ) : (
        canWrite(me?.roles) && (
          <Button
            type="primary"
            style={{ margin: '12px 0' }}
            data-testid="plan-draw"
            onClick={() => void post<Plan>(`/api/safety/plans/${plan.id}/draw`).then(setPlan, fail)}
          >
            {t('safety.draw')}
          </Button>
        )
      )}
      <Table<Target>
        rowKey="id"
        size="middle"
        pagination={false}
        dataSource={plan.targets}
        data-testid="plan-targets"
        columns={[
          { title: t('safety.position'), dataIndex: 'position', width: 60 },
          { title: t('safety.place'), dataIndex: 'placeName' },
          { title: t('safety.creditCode'), dataIndex: 'creditCode', render: (c: string | null) => c ?? '—' },
          { title: t('safety.industry'), dataIndex: 'industry' },
          {
            title: t('safety.riskGrade'),
            dataIndex: 'stratum',
            render: (g: string) => t(`safety.riskGrades.${g}`),
          },
          {
            title: t('safety.inspectors'),
            dataIndex: 'inspectors',
            render: (xs: Target['inspectors']) =>
              xs.map((x) => t('safety.person', { name: x.name, unit: x.unit })).join(t('safety.sep')),
          },
          {
            title: t('safety.result'),
            render: (_, x) =>
              x.result ? (
                <span data-testid="target-result">
                  <Tag color={x.result === 'hazards_found' ? 'red' : 'green'}>
                    {t(`safety.results.${x.result}`)}
                  </Tag>
                  {x.inspectedOn}
                  {x.resultNote ? ` · ${x.resultNote}` : ''}
                </span>
              ) : field ? (
                <Button size="small" onClick={() => setEntering(x)} data-testid="target-enter">
                  {t('safety.enterResult')}
                </Button>
              ) : (
                t('safety.pending')
              ),
          },
        ]}
      />
      <ResultDialog
        planId={plan.id}
        target={entering}
        onClose={() => setEntering(null)}
        onSaved={(p) => {
          setPlan(p);
          setEntering(null);
        }}
      />
    </Card>
  );
}

function ResultDialog(props: {
  planId: string;
  target: Target | null;
  onClose(): void;
  onSaved(p: Plan): void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm();
  const save = (v: { result: string; note?: string; inspectedOn: string; findings?: Finding[] }) =>
    props.target &&
    post<Plan>(`/api/safety/plans/${props.planId}/targets/${props.target.id}/result`, resultBody(v)).then(
      props.onSaved,
      (e: unknown) => void message.error(e instanceof Error ? e.message : String(e)),
    );
  return (
    <Modal
      open={props.target !== null}
      title={`${t('safety.enterResult')} · ${props.target?.placeName ?? ''}`}
      onCancel={props.onClose}
      onOk={() => form.submit()}
      width={640}
      destroyOnHidden
    >
      <Form
        form={form}
        layout="vertical"
        initialValues={{ result: 'no_problem', inspectedOn: today() }}
        onFinish={(v) => void save(v)}
      >
        <Form.Item name="inspectedOn" label={t('safety.inspectedOn')} rules={[{ required: true }]}>
          <Input type="date" max={today()} style={{ width: 180 }} />
        </Form.Item>
        <ResultFields />
      </Form>
    </Modal>
  );
}
