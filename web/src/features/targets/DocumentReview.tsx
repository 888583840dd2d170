/**
 * One document: its text with the proposed items highlighted, each accepted, edited or dropped; the
 * tasks it is decomposed into (assigned to units); and its year-end account (年底交账).
 */
import {
  App,
  Button,
  Card,
  Col,
  DatePicker,
  Form,
  Input,
  InputNumber,
  Modal,
  Row,
  Select,
  Space,
  Table,
  Tabs,
  Tag,
  Typography,
} from 'antd';
import { type ReactNode, useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import {
  type AccountRow,
  api,
  get,
  patch,
  post,
  type SupervisionBoard,
  type TargetDocumentDetail,
  type TargetItem,
  type Unit,
} from '../../api/client';
import { useAuth } from '../../app/auth';
import { useAction, useList } from '../org/useList';
import { RAG_COLORS } from './strings';

const STATUS_STYLE: Record<TargetItem['status'], React.CSSProperties> = {
  proposed: { background: '#fff1b8' },
  accepted: { background: '#d9f7be' },
  dropped: { background: '#f0f0f0', textDecoration: 'line-through', color: '#8c8c8c' },
};

/**
 * The text with each item's quote marked, in document order. Quotes may overlap ("A、B分别达到X、Y"
 * gives two items over one clause): a later mark starts where the earlier one ended, and an item wholly
 * inside an earlier quote shows as a ◆ after it.
 */
function Highlighted(props: { text: string; items: TargetItem[]; focus: string | null }) {
  const parts: ReactNode[] = [];
  let at = 0;
  for (const i of props.items) {
    const from = Math.max(i.start, at);
    parts.push(props.text.slice(at, from));
    parts.push(
      <mark
        key={i.id}
        id={`item-${i.id}`}
        data-status={i.status}
        style={{
          ...STATUS_STYLE[i.status],
          outline: props.focus === i.id ? '2px solid #1677ff' : undefined,
        }}
      >
        {i.end > from ? props.text.slice(from, i.end) : '◆'}
      </mark>,
    );
    at = Math.max(at, i.end);
  }
  parts.push(props.text.slice(at));
  return (
    <div
      style={{ whiteSpace: 'pre-wrap', lineHeight: 1.9, maxHeight: 640, overflow: 'auto' }}
      data-testid="doc-text"
    >
      {parts}
    </div>
  );
}

/**
 * The selected range of the document's text as character offsets: the selected words are looked up in
 * the text, the occurrence nearest to where the selection starts in the shown text is taken (the marks
 * for overlapping items may add a ◆, so the shown offset is only a hint).
 */
function selectedSpan(text: string): { start: number; end: number } | null {
  const sel = window.getSelection();
  const container = document.querySelector('[data-testid="doc-text"]');
  if (!sel || sel.rangeCount === 0 || !container) return null;
  const range = sel.getRangeAt(0);
  if (!container.contains(range.startContainer)) return null;
  const words = sel.toString();
  if (!words.trim()) return null;
  const before = document.createRange();
  before.setStart(container, 0);
  before.setEnd(range.startContainer, range.startOffset);
  const hint = before.toString().length;
  let best: number | null = null;
  for (let at = text.indexOf(words); at >= 0; at = text.indexOf(words, at + 1))
    if (best === null || Math.abs(at - hint) < Math.abs(best - hint)) best = at;
  return best === null ? null : { start: best, end: best + words.length };
}

export function DocumentReview() {
  const { id } = useParams();
  const { t } = useTranslation();
  const { me } = useAuth();
  const run = useAction();
  const [doc, setDoc] = useState<TargetDocumentDetail | null>(null);
  const [focus, setFocus] = useState<string | null>(null);
  const [editing, setEditing] = useState<TargetItem | null>(null);
  const [adding, setAdding] = useState<{ start: number; end: number } | null>(null);
  const { message } = App.useApp();
  const load = useCallback(() => {
    void get<TargetDocumentDetail>(`/api/targets/documents/${id}`).then(setDoc);
  }, [id]);
  useEffect(load, [load]);
  const canEdit = (me?.roles.some((r) => r === 'supervisor' || r === 'admin') ?? false) && !doc?.closed;
  if (!doc) return null;
  const startAdding = () => {
    const span = selectedSpan(doc.text);
    if (span) setAdding(span);
    else void message.info(t('targets.selectFirst'));
  };
  const downloadText = () => {
    const a = document.createElement('a');
    a.href = URL.createObjectURL(new Blob([doc.text], { type: 'text/plain;charset=utf-8' }));
    a.download = `${doc.title}.txt`;
    a.click();
    URL.revokeObjectURL(a.href);
  };
  const setStatus = (item: TargetItem, status: TargetItem['status']) =>
    run(() => patch(`/api/targets/items/${item.id}`, { status })).then(load);

  const itemsTab = (
    <Row gutter={16}>
      <Col xs={24} lg={14}>
        <Highlighted text={doc.text} items={doc.targets} focus={focus} />
      </Col>
      <Col xs={24} lg={10}>
        <Table<TargetItem>
          rowKey="id"
          size="small"
          dataSource={doc.targets}
          pagination={{ pageSize: 15 }}
          locale={{ emptyText: t('targets.noItems') }}
          rowClassName={(r) => (r.id === focus ? 'ant-table-row-selected' : '')}
          expandable={{
            expandedRowRender: (r) => (
              <Space direction="vertical" size={2}>
                <Typography.Text type="secondary">
                  {t('targets.sentence')}: {r.sentence}
                </Typography.Text>
                <Typography.Text type="secondary" code data-testid="item-rule">
                  {t('targets.rule')}: {r.rule || '—'}
                </Typography.Text>
              </Space>
            ),
          }}
          onRow={(r) => ({
            onClick: () => {
              setFocus(r.id);
              document.getElementById(`item-${r.id}`)?.scrollIntoView({ block: 'center' });
            },
          })}
          columns={[
            { title: t('targets.indicator'), dataIndex: 'indicator', ellipsis: true },
            {
              title: t('targets.value'),
              render: (_, r) =>
                `${r.measure ?? ''} ${r.value}${r.valueMax !== null ? `–${r.valueMax}` : ''}${r.unit}`,
            },
            {
              title: '',
              dataIndex: 'kind',
              render: (k: string) => (
                <Tag color={k === 'target' ? 'blue' : 'default'}>{t(`targets.${k}`)}</Tag>
              ),
            },
            {
              title: '',
              dataIndex: 'status',
              render: (st: TargetItem['status'], r: TargetItem) => (
                <Space size={2}>
                  {t(`targets.status.${st}`)}
                  {r.corrected && (
                    <Tag color="purple" data-testid="item-corrected">
                      {r.rule === 'manual' ? t('targets.manual') : t('targets.corrected')}
                    </Tag>
                  )}
                </Space>
              ),
            },
            ...(canEdit
              ? [
                  {
                    title: '',
                    render: (_: unknown, r: TargetItem) => (
                      <Space size={4}>
                        {r.status !== 'accepted' && (
                          <Button size="small" onClick={() => void setStatus(r, 'accepted')}>
                            {t('targets.accept')}
                          </Button>
                        )}
                        {r.status !== 'dropped' && (
                          <Button size="small" danger onClick={() => void setStatus(r, 'dropped')}>
                            {t('targets.drop')}
                          </Button>
                        )}
                        <Button size="small" onClick={() => setEditing(r)}>
                          {t('targets.edit')}
                        </Button>
                      </Space>
                    ),
                  },
                ]
              : []),
          ]}
        />
      </Col>
    </Row>
  );

  return (
    <Card
      title={
        <Space>
          {doc.title}
          <Tag>{doc.year}</Tag>
          <Typography.Text type="secondary" data-testid="doc-counts">
            {t('targets.accepted')} {doc.accepted} / {doc.items}
          </Typography.Text>
        </Space>
      }
      extra={
        <Space>
          {canEdit && (
            <Button onClick={startAdding} title={t('targets.addMissedHint')} data-testid="add-missed">
              {t('targets.addMissed')}
            </Button>
          )}
          <Button href={`/api/targets/documents/${doc.id}/labels.jsonl`} data-testid="export-labels">
            {t('targets.exportLabels')}
          </Button>
          <Button onClick={downloadText}>{t('targets.exportText')}</Button>
          {canEdit && (
            <Button
              type="primary"
              data-testid="accept-all"
              onClick={() => void run(() => post(`/api/targets/documents/${doc.id}/accept-all`)).then(load)}
            >
              {t('targets.acceptAll')}
            </Button>
          )}
          <Link to={`/targets/board?documentId=${doc.id}`}>{t('targets.board')}</Link>
        </Space>
      }
    >
      <Tabs
        items={[
          { key: 'items', label: t('targets.items'), children: itemsTab },
          { key: 'tasks', label: t('targets.tasks'), children: <Tasks doc={doc} canEdit={canEdit} /> },
          {
            key: 'account',
            label: t('targets.account'),
            children: <Account doc={doc} canEdit={canEdit} onClosed={load} />,
          },
        ]}
      />
      {adding && (
        <EditItem
          item={{
            id: '',
            status: 'accepted',
            kind: 'target',
            section: '',
            indicator: doc.text
              .slice(adding.start, adding.end)
              .replace(/[0-9０-９.]+.*$/, '')
              .slice(0, 100),
            measure: null,
            value: Number(/[0-9]+(?:\.[0-9]+)?/.exec(doc.text.slice(adding.start, adding.end))?.[0] ?? 0),
            valueMax: null,
            unit: '',
            period: null,
            quote: doc.text.slice(adding.start, adding.end),
            start: adding.start,
            end: adding.end,
            sentence: '',
            rule: 'manual',
            corrected: true,
          }}
          onClose={() => setAdding(null)}
          onSave={(v) =>
            void run(() =>
              post(`/api/targets/documents/${doc.id}/items`, {
                start: adding.start,
                end: adding.end,
                kind: v.kind ?? 'target',
                indicator: v.indicator,
                measure: v.measure || null,
                value: v.value,
                valueMax: v.valueMax ?? null,
                unit: v.unit ?? '',
                period: v.period || null,
              }),
            ).then((ok) => {
              if (ok) {
                setAdding(null);
                load();
              }
            })
          }
        />
      )}
      {editing && (
        <EditItem
          item={editing}
          onClose={() => setEditing(null)}
          onSave={(v) =>
            void run(() => patch(`/api/targets/items/${editing.id}`, v)).then((ok) => {
              if (ok) {
                setEditing(null);
                load();
              }
            })
          }
        />
      )}
    </Card>
  );
}

function EditItem(props: { item: TargetItem; onClose(): void; onSave(v: Partial<TargetItem>): void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<TargetItem>();
  return (
    <Modal
      open
      title={props.item.quote}
      onCancel={props.onClose}
      onOk={() => form.submit()}
      okText={t('common.save')}
    >
      <Form form={form} layout="vertical" initialValues={props.item} onFinish={props.onSave}>
        <Form.Item name="indicator" label={t('targets.indicator')} rules={[{ required: true }]}>
          <Input maxLength={100} />
        </Form.Item>
        <Space wrap>
          <Form.Item name="measure" label={t('targets.measure')}>
            <Input maxLength={20} style={{ width: 120 }} />
          </Form.Item>
          <Form.Item name="value" label={t('targets.value')} rules={[{ required: true }]}>
            <InputNumber />
          </Form.Item>
          <Form.Item name="valueMax" label={t('targets.valueMax')}>
            <InputNumber />
          </Form.Item>
          <Form.Item name="unit" label={t('targets.unit')} rules={[{ required: true }]}>
            <Input maxLength={20} style={{ width: 120 }} />
          </Form.Item>
          <Form.Item name="period" label={t('targets.period')}>
            <Input maxLength={20} style={{ width: 120 }} />
          </Form.Item>
          <Form.Item name="kind" label={t('targets.kind')}>
            <Select
              style={{ width: 100 }}
              options={['target', 'result'].map((k) => ({ value: k, label: t(`targets.${k}`) }))}
            />
          </Form.Item>
        </Space>
      </Form>
    </Modal>
  );
}

interface TaskForm {
  title: string;
  targetIds: string[];
  leadUnitId: string;
  coUnitIds: string[];
  leader: string;
  range: [{ format(f: string): string }, { format(f: string): string }];
}

function Tasks(props: { doc: TargetDocumentDetail; canEdit: boolean }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<TaskForm>();
  const units = useList<Unit>(props.canEdit ? '/api/units' : null);
  const [board, setBoard] = useState<SupervisionBoard | null>(null);
  const load = useCallback(() => {
    void get<SupervisionBoard>(`/api/targets/board?documentId=${props.doc.id}`).then(setBoard);
  }, [props.doc.id]);
  useEffect(load, [load]);
  const accepted = props.doc.targets.filter((x) => x.status === 'accepted');
  const unitOptions = units.rows.filter((u) => u.active).map((u) => ({ value: u.id, label: u.name }));

  const create = (v: TaskForm) => {
    const body = {
      documentId: props.doc.id,
      title: v.title,
      targetIds: v.targetIds ?? [],
      leadUnitId: v.leadUnitId,
      coUnitIds: v.coUnitIds ?? [],
      leader: v.leader ?? '',
      startsOn: v.range[0].format('YYYY-MM-DD'),
      deadline: v.range[1].format('YYYY-MM-DD'),
    };
    api('POST', '/api/targets/tasks', body)
      .then(() => {
        form.resetFields();
        load();
      })
      .catch((e: Error) => void message.error(e.message));
  };

  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      {props.canEdit && (
        <Card size="small" title={t('targets.newTask')}>
          <Form form={form} layout="vertical" onFinish={create}>
            <Space wrap align="start">
              <Form.Item
                name="title"
                label={t('targets.taskTitle')}
                rules={[{ required: true, min: 2 }]}
                style={{ width: 320 }}
              >
                <Input maxLength={200} data-testid="task-title" />
              </Form.Item>
              <Form.Item name="targetIds" label={t('targets.targets')} style={{ width: 360 }}>
                <Select
                  mode="multiple"
                  data-testid="task-targets"
                  optionFilterProp="label"
                  options={accepted.map((x) => ({
                    value: x.id,
                    label: `${x.indicator} ${x.value}${x.unit}`,
                  }))}
                />
              </Form.Item>
              <Form.Item
                name="leadUnitId"
                label={t('targets.lead')}
                rules={[{ required: true }]}
                style={{ width: 260 }}
              >
                <Select showSearch optionFilterProp="label" options={unitOptions} data-testid="task-lead" />
              </Form.Item>
              <Form.Item name="coUnitIds" label={t('targets.co')} style={{ width: 260 }}>
                <Select mode="multiple" showSearch optionFilterProp="label" options={unitOptions} />
              </Form.Item>
              <Form.Item name="leader" label={t('targets.leader')}>
                <Input maxLength={60} />
              </Form.Item>
              <Form.Item
                name="range"
                label={`${t('targets.startsOn')} – ${t('targets.deadline')}`}
                rules={[{ required: true }]}
              >
                <DatePicker.RangePicker />
              </Form.Item>
            </Space>
            <Button type="primary" htmlType="submit" data-testid="task-create">
              {t('targets.newTask')}
            </Button>
          </Form>
        </Card>
      )}
      <Table
        rowKey="id"
        size="small"
        dataSource={board?.tasks ?? []}
        columns={[
          { title: t('targets.taskTitle'), dataIndex: 'title' },
          { title: t('targets.lead'), dataIndex: 'leadUnitName' },
          { title: t('targets.deadline'), dataIndex: 'deadline' },
          { title: t('targets.planned'), dataIndex: 'planned', render: (n: number) => `${n}%` },
          { title: t('targets.actual'), dataIndex: 'actual', render: (n: number) => `${n}%` },
          {
            title: '',
            dataIndex: 'status',
            render: (s: keyof typeof RAG_COLORS) => <Tag color={RAG_COLORS[s]}>{t(`targets.rag.${s}`)}</Tag>,
          },
        ]}
      />
    </Space>
  );
}

function Account(props: { doc: TargetDocumentDetail; canEdit: boolean; onClosed(): void }) {
  const { t } = useTranslation();
  const run = useAction();
  const rows = useList<AccountRow>(`/api/targets/documents/${props.doc.id}/account`);
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Table<AccountRow>
        rowKey="targetId"
        size="small"
        loading={rows.loading}
        dataSource={rows.rows}
        columns={[
          { title: t('targets.section'), dataIndex: 'section', ellipsis: true },
          { title: t('targets.indicator'), dataIndex: 'indicator' },
          {
            title: t('targets.target'),
            render: (_, r) =>
              `${r.measure ?? ''} ${r.value}${r.valueMax !== null ? `–${r.valueMax}` : ''}${r.unit}`,
          },
          {
            title: t('targets.outcome'),
            dataIndex: 'outcome',
            render: (o: number | null, r) => (o === null ? '—' : `${o}${r.unit}`),
          },
          {
            title: t('targets.met'),
            dataIndex: 'met',
            render: (m: boolean | null) =>
              m === null ? (
                <Tag>{t('targets.pending')}</Tag>
              ) : m ? (
                <Tag color="green">{t('targets.yes')}</Tag>
              ) : (
                <Tag color="red">{t('targets.no')}</Tag>
              ),
          },
        ]}
      />
      {props.canEdit && (
        <Button
          danger
          onClick={() =>
            Modal.confirm({
              title: t('targets.closeYear'),
              content: t('common.confirm'),
              onOk: () =>
                run(() => post(`/api/targets/documents/${props.doc.id}/close`)).then(props.onClosed),
            })
          }
        >
          {t('targets.closeYear')}
        </Button>
      )}
    </Space>
  );
}
