/**
 * The field app for grid workers (城管通/津治通), phone-first and installable: report with a camera
 * photo, GPS position and accuracy; my tasks (checks to make, my reports). Everything goes through an
 * outbox on the device, so it works offline and says honestly what is still waiting.
 */
import {
  Alert,
  App,
  Badge,
  Button,
  Card,
  Form,
  Input,
  List,
  Select,
  Space,
  Tabs,
  Tag,
  Typography,
} from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { type CaseSummary, type Category, client, type Located, ok } from '../../api/client';
import { useAuth } from '../../app/auth';
import LoginPage from '../auth/LoginPage';
import { discard, enqueue, loadOutbox, type Outgoing, shrinkPhoto, syncOutbox } from './queue';

const CACHE = 'wangge.field.cache';
type Cache = {
  categories: Category[];
  check: CaseSummary[];
  verify: CaseSummary[];
  mine: CaseSummary[];
  at: string | null;
};
const EMPTY: Cache = { categories: [], check: [], verify: [], mine: [], at: null };

function readCache(): Cache {
  try {
    return { ...EMPTY, ...JSON.parse(localStorage.getItem(CACHE) ?? '{}') };
  } catch {
    return EMPTY;
  }
}

export default function FieldApp() {
  const { me, loading } = useAuth();
  useEffect(() => {
    if ('serviceWorker' in navigator) void navigator.serviceWorker.register('/sw.js').catch(() => undefined);
  }, []);
  if (loading) return null;
  if (!me) return <LoginPage />;
  return <Field />;
}

/** One of the worker's case queues (检查 / 核查 / 我的). */
async function cases(queue: 'check' | 'verify' | 'mine', limit: number): Promise<{ items: CaseSummary[] }> {
  const r = await ok(client.GET('/api/cases', { params: { query: { queue, limit } } }));
  return { items: r.items as CaseSummary[] }; // `whistle` is untyped in the server's case schema
}

function Field() {
  const { me } = useAuth();
  const { message } = App.useApp();
  const [online, setOnline] = useState(navigator.onLine);
  const [outbox, setOutbox] = useState<Outgoing[]>(loadOutbox());
  const [cache, setCache] = useState<Cache>(readCache());
  const [syncing, setSyncing] = useState(false);

  const refresh = useCallback(async () => {
    try {
      const [categories, check, verify, mine] = await Promise.all([
        ok(client.GET('/api/categories')),
        cases('check', 50),
        cases('verify', 50),
        cases('mine', 20),
      ]);
      const next = {
        categories,
        check: check.items,
        verify: verify.items,
        mine: mine.items,
        at: new Date().toISOString(),
      };
      localStorage.setItem(CACHE, JSON.stringify(next));
      setCache(next);
    } catch {
      // offline: keep showing what was cached, with its time
    }
  }, []);

  const sync = useCallback(async () => {
    if (!navigator.onLine) return;
    setSyncing(true);
    const r = await syncOutbox();
    setSyncing(false);
    setOutbox(loadOutbox());
    if (r.sent) {
      void message.success(`已同步 ${r.sent} 条`);
      void refresh();
    }
  }, [message, refresh]);

  useEffect(() => {
    const up = () => {
      setOnline(true);
      void sync();
    };
    const down = () => setOnline(false);
    window.addEventListener('online', up);
    window.addEventListener('offline', down);
    void refresh().then(sync);
    const timer = setInterval(() => void sync(), 15_000);
    return () => {
      window.removeEventListener('online', up);
      window.removeEventListener('offline', down);
      clearInterval(timer);
    };
  }, [sync, refresh]);

  const queued = (item: Omit<Outgoing, 'key' | 'createdAt' | 'attempts'>) => {
    enqueue(item);
    setOutbox(loadOutbox());
    void sync();
  };
  const waiting = outbox.filter((x) => !x.refused).length;

  return (
    <div style={{ maxWidth: 520, margin: '0 auto', padding: 12 }}>
      <Space style={{ width: '100%', justifyContent: 'space-between' }}>
        <div>
          <Typography.Title level={4} style={{ margin: 0 }}>
            {me?.displayName}
          </Typography.Title>
          <Typography.Text type="secondary" data-testid="my-grid">
            我的网格：{me?.scopeName}（{me?.scope}）
          </Typography.Text>
        </div>
        <Space data-testid="sync-state">
          <Badge status={online ? 'success' : 'default'} text={online ? '在线' : '离线'} />
          {waiting > 0 ? <Tag color="orange">{waiting} 条待同步</Tag> : <Tag color="green">已全部同步</Tag>}
        </Space>
      </Space>
      <Tabs
        items={[
          {
            key: 'report',
            label: '上报',
            children: <ReportForm categories={cache.categories} online={online} onQueued={queued} />,
          },
          {
            key: 'tasks',
            label: `任务 (${cache.check.length})`,
            children: <Tasks cache={cache} onQueued={queued} />,
          },
          {
            key: 'outbox',
            label: `待同步 (${outbox.length})`,
            children: (
              <Space direction="vertical" style={{ width: '100%' }}>
                <Button onClick={() => void sync()} loading={syncing} disabled={!online}>
                  立即同步
                </Button>
                <List
                  dataSource={outbox}
                  locale={{ emptyText: '没有待同步的内容' }}
                  renderItem={(x) => (
                    <List.Item
                      actions={
                        x.refused
                          ? [
                              <Button
                                key="d"
                                size="small"
                                danger
                                onClick={() => {
                                  discard(x.key);
                                  setOutbox(loadOutbox());
                                }}
                              >
                                删除
                              </Button>,
                            ]
                          : []
                      }
                    >
                      <List.Item.Meta
                        title={x.label}
                        description={
                          x.refused ? (
                            <Typography.Text type="danger">未被接受：{x.lastError}</Typography.Text>
                          ) : x.attempts ? (
                            `已重试 ${x.attempts} 次：${x.lastError}`
                          ) : (
                            '等待网络'
                          )
                        }
                      />
                    </List.Item>
                  )}
                />
                {cache.at && (
                  <Typography.Text type="secondary">
                    任务数据更新于 {new Date(cache.at).toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai' })}
                  </Typography.Text>
                )}
              </Space>
            ),
          },
        ]}
      />
    </div>
  );
}

function ReportForm(props: {
  categories: Category[];
  online: boolean;
  onQueued(item: Omit<Outgoing, 'key' | 'createdAt' | 'attempts'>): void;
}) {
  const [form] = Form.useForm<{ categoryCode: string; note: string }>();
  const [fix, setFix] = useState<{ lon: number; lat: number; accuracy: number } | null>(null);
  const [located, setLocated] = useState<Located | null>(null);
  const [photo, setPhoto] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const locate = () =>
    navigator.geolocation.getCurrentPosition(
      (p) => {
        const f = {
          lon: p.coords.longitude,
          lat: p.coords.latitude,
          accuracy: Math.round(p.coords.accuracy),
        };
        setFix(f);
        setError(null);
        if (navigator.onLine)
          ok(client.GET('/api/locate', { params: { query: { lon: f.lon, lat: f.lat } } })).then(
            setLocated,
            () => setLocated(null),
          );
      },
      () => setError('无法获取定位，请检查定位权限'),
      { enableHighAccuracy: true, timeout: 15_000 },
    );

  const submit = (v: { categoryCode: string; note: string }) => {
    if (!fix) return setError('请先定位');
    const category = props.categories.find((c) => c.code === v.categoryCode);
    props.onQueued({
      label: `上报：${category?.name ?? v.categoryCode} ${v.note.slice(0, 20)}`,
      url: '/api/cases',
      body: {
        categoryCode: v.categoryCode,
        title: v.note.slice(0, 60),
        description: `${v.note}\n（定位精度 ${fix.accuracy} 米）`,
        lon: fix.lon,
        lat: fix.lat,
        evidence: [],
      },
      ...(photo ? { photo } : {}),
    });
    form.resetFields();
    setPhoto(null);
  };

  return (
    <Card size="small">
      <Form form={form} layout="vertical" onFinish={submit}>
        <Form.Item name="categoryCode" label="问题类别" rules={[{ required: true, message: '请选择类别' }]}>
          <Select
            showSearch
            optionFilterProp="label"
            data-testid="field-category"
            options={props.categories
              .filter((c) => c.kind === 'event' || c.kind === 'component')
              .map((c) => ({ value: c.code, label: `${c.majorName} · ${c.name}` }))}
          />
        </Form.Item>
        <Space direction="vertical" style={{ width: '100%', marginBottom: 12 }}>
          <Button onClick={locate} data-testid="field-locate">
            定位
          </Button>
          {fix && (
            <Typography.Text data-testid="field-fix">
              {fix.lat.toFixed(6)}, {fix.lon.toFixed(6)} · 精度 {fix.accuracy} 米{' '}
              {located
                ? `· ${located.community.name} ${located.grid.code}`
                : props.online
                  ? ''
                  : '· 离线，网格待联网后确定'}
            </Typography.Text>
          )}
          <input
            type="file"
            accept="image/*"
            capture="environment"
            data-testid="field-photo"
            onChange={(e) => {
              const f = e.target.files?.[0];
              if (f) void shrinkPhoto(f).then(setPhoto, () => setError('照片无法读取'));
            }}
          />
          {photo && <img src={photo} alt="" style={{ width: 120, borderRadius: 4 }} />}
        </Space>
        <Form.Item name="note" label="说明" rules={[{ required: true, min: 2, message: '请简要说明' }]}>
          <Input.TextArea rows={3} maxLength={500} data-testid="field-note" />
        </Form.Item>
        {error && <Alert type="error" title={error} showIcon style={{ marginBottom: 12 }} />}
        <Button type="primary" htmlType="submit" block size="large" data-testid="field-submit">
          上报
        </Button>
      </Form>
    </Card>
  );
}

/** Metres between two WGS84 points (haversine). */
function metres(a: { lon: number; lat: number }, b: { lon: number; lat: number }): number {
  const r = Math.PI / 180;
  const h =
    Math.sin(((b.lat - a.lat) * r) / 2) ** 2 +
    Math.cos(a.lat * r) * Math.cos(b.lat * r) * Math.sin(((b.lon - a.lon) * r) / 2) ** 2;
  return 6_371_008 * 2 * Math.asin(Math.sqrt(h));
}

/** 巡查路线: the places to visit in nearest-next order from where the worker stands. */
function patrolRoute(
  from: { lon: number; lat: number } | null,
  stops: CaseSummary[],
): { c: CaseSummary; leg: number | null }[] {
  const located = stops.filter((s) => s.lon !== null && s.lat !== null);
  if (!from) return stops.map((c) => ({ c, leg: null }));
  const route: { c: CaseSummary; leg: number }[] = [];
  let here = from;
  const left = [...located];
  while (left.length) {
    let best = 0;
    for (let i = 1; i < left.length; i++) {
      if (
        metres(here, left[i] as { lon: number; lat: number }) <
        metres(here, left[best] as { lon: number; lat: number })
      )
        best = i;
    }
    const [next] = left.splice(best, 1) as [CaseSummary];
    const at = { lon: next.lon as number, lat: next.lat as number };
    route.push({ c: next, leg: Math.round(metres(here, at)) });
    here = at;
  }
  return route;
}

function Tasks(props: {
  cache: Cache;
  onQueued(item: Omit<Outgoing, 'key' | 'createdAt' | 'attempts'>): void;
}) {
  const [from, setFrom] = useState<{ lon: number; lat: number } | null>(null);
  const stops = [...props.cache.verify, ...props.cache.check];
  const route = patrolRoute(from, stops);
  const act = (c: CaseSummary, label: string, body: Record<string, unknown>) =>
    props.onQueued({
      label: `${label}：${c.number}`,
      url: `/api/cases/${c.id}/transitions`,
      body: { ...body, version: c.version },
    });
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Card
        size="small"
        title="巡查路线（待核实、待核查）"
        extra={
          <Button
            size="small"
            onClick={() =>
              navigator.geolocation.getCurrentPosition((p) =>
                setFrom({ lon: p.coords.longitude, lat: p.coords.latitude }),
              )
            }
          >
            从当前位置排序
          </Button>
        }
      >
        <List
          dataSource={route}
          locale={{ emptyText: '暂无任务' }}
          renderItem={({ c, leg }, i) => (
            <List.Item
              actions={
                c.state === 'verifying'
                  ? [
                      <Button
                        key="y"
                        size="small"
                        type="primary"
                        onClick={() =>
                          act(c, '核实属实', {
                            type: 'verify_report',
                            found: true,
                            note: '现场核实：情况属实',
                          })
                        }
                      >
                        属实
                      </Button>,
                      <Button
                        key="n"
                        size="small"
                        onClick={() =>
                          act(c, '核实不属实', {
                            type: 'verify_report',
                            found: false,
                            note: '现场核实：未发现问题',
                          })
                        }
                      >
                        不属实
                      </Button>,
                    ]
                  : [
                      <Button
                        key="ok"
                        size="small"
                        type="primary"
                        onClick={() =>
                          act(c, '核查通过', { type: 'check', pass: true, note: '现场核查：已处置到位' })
                        }
                      >
                        核查通过
                      </Button>,
                      <Button
                        key="no"
                        size="small"
                        danger
                        onClick={() =>
                          act(c, '核查不通过', { type: 'check', pass: false, note: '现场核查：未处置到位' })
                        }
                      >
                        不通过
                      </Button>,
                    ]
              }
            >
              <List.Item.Meta
                title={`${i + 1}. ${c.title}`}
                description={`${c.state === 'verifying' ? '待核实' : '待核查'} · ${c.areaName}${leg !== null ? ` · 下一站 ${leg} 米` : ''}`}
              />
            </List.Item>
          )}
        />
      </Card>
      <Card size="small" title="我的上报">
        <List
          dataSource={props.cache.mine}
          renderItem={(c) => (
            <List.Item>
              {c.title} · {c.state}
            </List.Item>
          )}
        />
      </Card>
    </Space>
  );
}
