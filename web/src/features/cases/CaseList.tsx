/**
 * Case list: my cases (承办人 = me) and my unit's cases, a queue per role (file, dispatch, inbox, check,
 * close), filters, saved views, exports of the filtered list, and bulk actions on a selection.
 */
import { App, Button, Card, Checkbox, Input, Modal, Segmented, Select, Space, Table, Tag } from 'antd';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { type CaseSummary, type Category, get, post, type SavedView, type Unit } from '../../api/client';
import { useAuth } from '../../app/auth';
import { formatTime } from '../../app/format';
import { useAction, useList } from '../org/useList';
import { BulkBar, exportUrl } from './BulkBar';
import { DEADLINE_COLORS } from './strings';

const STATES = [
  'reported',
  'verifying',
  'filed',
  'dispatched',
  'handling',
  'suspended',
  'handled',
  'closed',
  'rejected',
  'merged',
];
const FILTER_KEYS = [
  'queue',
  'state',
  'category',
  'area',
  'unit',
  'assignee',
  'overdue',
  'q',
  'ids',
] as const;
/** Views that are filters rather than queues: my cases (assignee=me) and my unit's cases (unit=mine). */
const VIEW_FILTERS: Record<string, Record<string, string>> = {
  assigned: { assignee: 'me' },
  myunit: { unit: 'mine' },
};
const UNIT_READERS = ['admin', 'dispatcher', 'shift_lead', 'supervisor', 'leader', 'operator'];

/** The queue a role works from first; a unit's people start from their own cases (the head: the unit's). */
function defaultQueue(roles: readonly string[], unitHead: boolean): string {
  if (roles.includes('shift_lead')) return 'file';
  if (roles.includes('dispatcher') && !roles.includes('handler')) return 'dispatch';
  if (roles.includes('handler')) return unitHead ? 'myunit' : 'assigned';
  if (roles.includes('inspector')) return 'check';
  return '';
}

export function CaseList() {
  const { t } = useTranslation();
  const { me } = useAuth();
  const navigate = useNavigate();
  const run = useAction();
  const { message } = App.useApp();
  const [params, setParams] = useSearchParams();
  const [data, setData] = useState<{ total: number; items: CaseSummary[] }>({ total: 0, items: [] });
  const [loading, setLoading] = useState(false);
  const [page, setPage] = useState(1);
  const categories = useList<Category>('/api/categories');
  const views = useList<SavedView>('/api/case-views');
  const roles = me?.roles ?? [];
  const units = useList<Unit>(roles.some((r) => UNIT_READERS.includes(r)) ? '/api/units' : null);
  const queue = params.get('queue') ?? defaultQueue(roles, !!me?.unitHead);
  const [selected, setSelected] = useState<CaseSummary[]>([]);
  const filters = useMemo(() => {
    const f: Record<string, string> = {};
    for (const k of FILTER_KEYS) {
      const v = k === 'queue' ? (VIEW_FILTERS[queue] ? null : queue) : params.get(k);
      if (v) f[k] = v;
    }
    return { ...f, ...VIEW_FILTERS[queue] };
  }, [params, queue]);

  const load = useCallback(() => {
    setLoading(true);
    const qs = new URLSearchParams({ ...filters, limit: '20', offset: String((page - 1) * 20) });
    get<{ total: number; items: CaseSummary[] }>(`/api/cases?${qs}`)
      .then(setData)
      .catch((e: Error) => void message.error(e.message))
      .finally(() => setLoading(false));
  }, [filters, page, message]);
  useEffect(load, [load]);

  const set = (key: string, value: string | null) => {
    const next = new URLSearchParams(params);
    if (key === 'queue' && !value) next.set('queue', '');
    else if (value) next.set(key, value);
    else next.delete(key);
    setPage(1);
    setParams(next);
  };
  const saveView = () => {
    let name = '';
    Modal.confirm({
      title: t('cases.saveView'),
      content: (
        <Input
          placeholder={t('cases.viewName')}
          onChange={(e) => (name = e.target.value)}
          data-testid="view-name"
        />
      ),
      onOk: () =>
        run(() => post('/api/case-views', { name: name.trim(), filters }), t('common.saved')).then(
          views.reload,
        ),
    });
  };
  const queues = [
    ...(me?.unitId ? ['assigned', 'myunit'] : []),
    '',
    'mine',
    'file',
    'dispatch',
    'inbox',
    'check',
    'close',
    'whistle',
  ];

  return (
    <Card
      title={t('cases.list')}
      extra={
        roles.some((r) => ['inspector', 'operator', 'shift_lead', 'dispatcher'].includes(r)) && (
          <Button type="primary" onClick={() => navigate('/cases/new')}>
            {t('cases.new')}
          </Button>
        )
      }
    >
      <Space direction="vertical" style={{ width: '100%' }}>
        <Segmented
          data-testid="queue"
          value={queue}
          options={queues.map((q) => ({ value: q, label: t(`cases.queue.${q || 'all'}`) }))}
          onChange={(v) => set('queue', String(v))}
        />
        <Space wrap>
          <Input.Search
            allowClear
            placeholder={t('cases.search')}
            defaultValue={params.get('q') ?? ''}
            onSearch={(v) => set('q', v)}
            style={{ width: 240 }}
          />
          <Select
            allowClear
            placeholder={t('cases.state')}
            aria-label={t('cases.state')}
            style={{ width: 140 }}
            value={params.get('state') ?? undefined}
            options={STATES.map((s) => ({ value: s, label: t(`cases.states.${s}`) }))}
            onChange={(v) => set('state', v ?? null)}
          />
          <Select
            allowClear
            showSearch
            optionFilterProp="label"
            placeholder={t('cases.category')}
            aria-label={t('cases.category')}
            style={{ width: 220 }}
            value={params.get('category') ?? undefined}
            options={categories.rows.map((c) => ({ value: c.code, label: `${c.majorName} / ${c.name}` }))}
            onChange={(v) => set('category', v ?? null)}
          />
          <Input
            allowClear
            placeholder={t('cases.area')}
            style={{ width: 160 }}
            defaultValue={params.get('area') ?? ''}
            onPressEnter={(e) => set('area', e.currentTarget.value.trim())}
          />
          {units.rows.length > 0 && (
            <Select
              allowClear
              showSearch
              optionFilterProp="label"
              placeholder={t('cases.unit')}
              aria-label={t('cases.unit')}
              style={{ width: 200 }}
              value={params.get('unit') ?? undefined}
              options={units.rows.map((u) => ({ value: u.id, label: u.name }))}
              onChange={(v) => set('unit', v ?? null)}
            />
          )}
          <Checkbox
            checked={params.get('overdue') === '1'}
            onChange={(e) => set('overdue', e.target.checked ? '1' : null)}
          >
            {t('cases.overdue')}
          </Checkbox>
          <Select
            placeholder={t('cases.views')}
            aria-label={t('cases.views')}
            style={{ width: 180 }}
            value={null}
            options={views.rows.map((v) => ({ value: v.id, label: v.name }))}
            onChange={(id) => {
              const v = views.rows.find((x) => x.id === id);
              if (v) {
                setPage(1);
                setParams(new URLSearchParams({ queue: '', ...v.filters }));
              }
            }}
          />
          <Button onClick={saveView}>{t('cases.saveView')}</Button>
          <Button href={exportUrl('csv', filters)} data-testid="export-csv">
            {t('cases.exportCsv')}
          </Button>
          <Button href={exportUrl('xlsx', filters)}>{t('cases.exportXlsx')}</Button>
        </Space>
        {selected.length > 0 && <BulkBar selected={selected} onDone={load} onClear={() => setSelected([])} />}
        <Table<CaseSummary>
          rowKey="id"
          size="middle"
          loading={loading}
          dataSource={data.items}
          rowSelection={{
            selectedRowKeys: selected.map((c) => c.id),
            preserveSelectedRowKeys: true,
            onChange: (_keys, rows) => setSelected(rows.filter(Boolean)),
          }}
          pagination={{
            current: page,
            pageSize: 20,
            total: data.total,
            onChange: setPage,
            showSizeChanger: false,
          }}
          onRow={(r) => ({ onDoubleClick: () => navigate(`/cases/${r.id}`) })}
          columns={[
            {
              title: t('cases.number'),
              dataIndex: 'number',
              render: (n: string, r) => <Link to={`/cases/${r.id}`}>{n}</Link>,
            },
            { title: t('cases.title'), dataIndex: 'title', ellipsis: true },
            { title: t('cases.category'), dataIndex: 'categoryName' },
            { title: t('cases.area'), dataIndex: 'areaName', ellipsis: true },
            {
              title: t('cases.state'),
              dataIndex: 'state',
              render: (s: string) => <Tag>{t(`cases.states.${s}`)}</Tag>,
            },
            { title: t('cases.unit'), dataIndex: 'assignedUnitName', render: (u: string | null) => u ?? '—' },
            {
              title: t('cases.assignee'),
              dataIndex: 'assignedUserName',
              render: (u: string | null) => u ?? '—',
            },
            {
              title: t('cases.deadline'),
              dataIndex: 'deadline',
              render: (d: CaseSummary['deadline'], r) =>
                d === 'none' ? (
                  '—'
                ) : (
                  <>
                    <Tag color={DEADLINE_COLORS[d]} title={r.dueAt ?? ''}>
                      {t(`cases.levels.${d}`)}
                    </Tag>
                    {r.deadlineProvisional && (
                      <Tag title={t('cases.provisionalHint')} data-testid="deadline-provisional">
                        {t('cases.provisional')}
                      </Tag>
                    )}
                  </>
                ),
            },
            {
              title: t('cases.createdAt'),
              dataIndex: 'createdAt',
              render: (s: string) => formatTime(s),
            },
          ]}
        />
      </Space>
    </Card>
  );
}
