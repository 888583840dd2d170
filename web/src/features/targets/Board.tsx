/**
 * The supervision board (督查看板): the light of every task, rolled up by unit and by report section,
 * with drill-down; units file their monthly progress and answer urging notices here.
 */
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
  Select,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import {
  get,
  post,
  type Rollup,
  type SupervisedTask,
  type SupervisionBoard,
  type TargetDocument,
} from '../../api/client';
import { useAuth } from '../../app/auth';
import { EvidenceUpload } from '../cases/ActionDialog';
import '../cases/strings';
import { useList } from '../org/useList';
import { RAG_COLORS } from './strings';

type Filter = { by: 'unit' | 'section'; name: string } | null;

export function Board() {
  const { t } = useTranslation();
  const { me } = useAuth();
  const [params, setParams] = useSearchParams();
  const documentId = params.get('documentId') ?? '';
  const docs = useList<TargetDocument>('/api/targets/documents');
  const [board, setBoard] = useState<SupervisionBoard | null>(null);
  const [filter, setFilter] = useState<Filter>(null);
  const [dialog, setDialog] = useState<{ kind: 'file' | 'urge' | 'respond'; task: SupervisedTask } | null>(
    null,
  );
  const load = useCallback(() => {
    void get<SupervisionBoard>(`/api/targets/board${documentId ? `?documentId=${documentId}` : ''}`).then(
      setBoard,
    );
  }, [documentId]);
  useEffect(load, [load]);
  const isUnit = !!me?.unitId && (me?.roles.includes('handler') ?? false);
  const supervises = me?.roles.some((r) => r === 'supervisor' || r === 'admin') ?? false;
  const tasks = (board?.tasks ?? []).filter(
    (x) => !filter || (filter.by === 'unit' ? x.leadUnitName === filter.name : x.section === filter.name),
  );

  const rollups = (
    title: string,
    by: 'unit' | 'section',
    rows: (SupervisionBoard['bySection'][number] & Partial<Rollup>)[],
  ) => (
    <Card size="small" title={title}>
      <Space wrap>
        {rows.map((r) => (
          <Tag
            key={r.name}
            color={RAG_COLORS[r.status]}
            style={{ cursor: 'pointer', padding: '4px 8px' }}
            data-testid={`rollup-${by}`}
            onClick={() => setFilter(filter?.name === r.name ? null : { by, name: r.name })}
          >
            {r.name} · {r.green}/{r.yellow}/{r.red}
            {r.onTimeRate !== undefined && r.onTimeRate !== null
              ? ` · ${t('targets.onTimeRate')} ${Math.round(r.onTimeRate * 100)}%`
              : ''}
            {r.unevidencedDone ? ` · ${t('targets.unevidencedDone')} ${r.unevidencedDone}` : ''}
          </Tag>
        ))}
      </Space>
    </Card>
  );

  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Card
        title={t('targets.board')}
        extra={
          <Space>
            <Select
              style={{ width: 280 }}
              aria-label={t('targets.documents')}
              value={documentId}
              options={[
                { value: '', label: t('targets.all') },
                ...docs.rows.map((d) => ({ value: d.id, label: d.title })),
              ]}
              onChange={(v) => setParams(v ? { documentId: v } : {})}
            />
            <Button href={`/api/targets/board.xlsx${documentId ? `?documentId=${documentId}` : ''}`}>
              {t('targets.export')}
            </Button>
          </Space>
        }
      >
        <Row gutter={16}>
          <Col xs={24} md={12}>
            {rollups(t('targets.byUnit'), 'unit', board?.byUnit ?? [])}
          </Col>
          <Col xs={24} md={12}>
            {rollups(t('targets.bySection'), 'section', board?.bySection ?? [])}
          </Col>
        </Row>
        {filter && (
          <Typography.Paragraph style={{ marginTop: 12 }}>
            {filter.name}{' '}
            <Button size="small" onClick={() => setFilter(null)}>
              ×
            </Button>
          </Typography.Paragraph>
        )}
      </Card>
      <Table<SupervisedTask>
        rowKey="id"
        size="middle"
        dataSource={tasks}
        data-testid="board-tasks"
        expandable={{
          expandedRowRender: (task) => (
            <Space direction="vertical">
              {task.reports.map((r) => (
                <span key={r.period}>
                  <b>{r.period}</b> {r.progress}% {r.actualValue ?? ''} — {r.narrative}（{r.unitName}）
                </span>
              ))}
              {task.urgings.map((u) => (
                <span key={u.id}>
                  <Tag color="orange">{t('targets.urge')}</Tag>
                  {u.notice} {u.response ? `→ ${u.response}` : ''}
                </span>
              ))}
            </Space>
          ),
        }}
        columns={[
          { title: t('targets.taskTitle'), dataIndex: 'title' },
          { title: t('targets.section'), dataIndex: 'section', ellipsis: true },
          { title: t('targets.lead'), dataIndex: 'leadUnitName' },
          { title: t('targets.deadline'), dataIndex: 'deadline' },
          { title: t('targets.planned'), dataIndex: 'planned', render: (n: number) => `${n}%` },
          { title: t('targets.actual'), dataIndex: 'actual', render: (n: number) => `${n}%` },
          {
            title: '',
            dataIndex: 'status',
            render: (s: keyof typeof RAG_COLORS, r) => (
              <Tag color={RAG_COLORS[s]} data-testid="task-status" title={t(`targets.reasons.${r.reason}`)}>
                {t(`targets.rag.${s}`)}
              </Tag>
            ),
          },
          {
            title: '',
            render: (_, task) => (
              <Space>
                {isUnit && (task.leadUnitId === me?.unitId || task.coUnitIds.includes(me?.unitId ?? '')) && (
                  <Button
                    size="small"
                    type="primary"
                    data-testid="file-progress"
                    onClick={() => setDialog({ kind: 'file', task })}
                  >
                    {t('targets.file')}
                  </Button>
                )}
                {isUnit && task.urgings.some((u) => !u.response) && (
                  <Button size="small" onClick={() => setDialog({ kind: 'respond', task })}>
                    {t('targets.respond')}
                  </Button>
                )}
                {supervises && (
                  <Button size="small" onClick={() => setDialog({ kind: 'urge', task })}>
                    {t('targets.urge')}
                  </Button>
                )}
              </Space>
            ),
          },
        ]}
      />
      {dialog && (
        <TaskDialog
          {...dialog}
          onClose={(changed) => {
            setDialog(null);
            if (changed) load();
          }}
        />
      )}
    </Space>
  );
}

function TaskDialog(props: {
  kind: 'file' | 'urge' | 'respond';
  task: SupervisedTask;
  onClose(changed: boolean): void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm();
  const { task, kind } = props;
  const month = new Date().toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' }).slice(0, 7);
  const pending = task.urgings.find((u) => !u.response);
  const submit = (v: Record<string, unknown>) => {
    const call =
      kind === 'file'
        ? post(`/api/targets/tasks/${task.id}/progress`, { ...v, actualValue: v.actualValue ?? null })
        : kind === 'urge'
          ? post(`/api/targets/tasks/${task.id}/urge`, v)
          : post(`/api/targets/urgings/${pending?.id}/respond`, v);
    call.then(() => props.onClose(true)).catch((e: Error) => void message.error(e.message));
  };
  return (
    <Modal
      open
      title={`${t(`targets.${kind}`)} · ${task.title}`}
      onCancel={() => props.onClose(false)}
      onOk={() => form.submit()}
      okButtonProps={{ ...({ 'data-testid': 'dialog-ok' } as object) }}
    >
      <Form
        form={form}
        layout="vertical"
        onFinish={submit}
        initialValues={{ period: month, progress: task.actual }}
      >
        {kind === 'file' && (
          <>
            <Form.Item
              name="period"
              label={t('targets.month')}
              rules={[{ required: true, pattern: /^\d{4}-\d{2}$/ }]}
            >
              <Input style={{ width: 120 }} />
            </Form.Item>
            <Space>
              <Form.Item name="progress" label={t('targets.progress')} rules={[{ required: true }]}>
                <InputNumber min={0} max={100} data-testid="progress-input" />
              </Form.Item>
              <Form.Item name="actualValue" label={t('targets.actualValue')}>
                <InputNumber />
              </Form.Item>
            </Space>
            <Form.Item name="narrative" label={t('targets.narrative')} rules={[{ required: true, min: 2 }]}>
              <Input.TextArea rows={3} maxLength={4000} data-testid="progress-narrative" />
            </Form.Item>
            <Form.Item name="evidence" label={t('cases.field.evidence')}>
              <EvidenceUpload />
            </Form.Item>
          </>
        )}
        {kind === 'urge' && (
          <Form.Item name="notice" label={t('targets.notice')} rules={[{ required: true, min: 2 }]}>
            <Input.TextArea rows={3} maxLength={2000} />
          </Form.Item>
        )}
        {kind === 'respond' && (
          <>
            <Typography.Paragraph>{pending?.notice}</Typography.Paragraph>
            <Form.Item name="response" label={t('targets.response')} rules={[{ required: true, min: 2 }]}>
              <Input.TextArea rows={3} maxLength={2000} />
            </Form.Item>
          </>
        )}
      </Form>
    </Modal>
  );
}
