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
import { type CaseSummary, type Category, get, type Located } from '../../api/client';
import { useAuth } from '../../app/auth';
import LoginPage from '../auth/LoginPage';
import { discard, enqueue, loadOutbox, type Outgoing, shrinkPhoto, syncOutbox } from './queue';

const CACHE = 'wangge.field.cache';
type Cache = { categories: Category[]; check: CaseSummary[]; mine: CaseSummary[]; at: string | null };

function readCache(): Cache {
  try {
    return {
      categories: [],
      check: [],
      mine: [],
      at: null,
      ...JSON.parse(localStorage.getItem(CACHE) ?? '{}'),
    };
  } catch {
    return { categories: [], check: [], mine: [], at: null };
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

function Field() {
  const { me } = useAuth();
  const { message } = App.useApp();
  const [online, setOnline] = useState(navigator.onLine);
  const [outbox, setOutbox] = useState<Outgoing[]>(loadOutbox());
  const [cache, setCache] = useState<Cache>(readCache());
  const [syncing, setSyncing] = useState(false);

  const refresh = useCallback(async () => {
    try {
      const [categories, check, mine] = await Promise.all([
        get<Category[]>('/api/categories'),
        get<{ items: CaseSummary[] }>('/api/cases?queue=check&limit=50'),
        get<{ items: CaseSummary[] }>('/api/cases?queue=mine&limit=20'),
      ]);
      const next = { categories, check: check.items, mine: mine.items, at: new Date().toISOString() };
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
        <Typography.Title level={4} style={{ margin: 0 }}>
          网格 · {me?.displayName}
        </Typography.Title>
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
          get<Located>(`/api/locate?lon=${f.lon}&lat=${f.lat}`).then(setLocated, () => setLocated(null));
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

function Tasks(props: {
  cache: Cache;
  onQueued(item: Omit<Outgoing, 'key' | 'createdAt' | 'attempts'>): void;
}) {
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Card size="small" title="待核查">
        <List
          dataSource={props.cache.check}
          locale={{ emptyText: '暂无待核查任务' }}
          renderItem={(c) => (
            <List.Item
              actions={[
                <Button
                  key="ok"
                  size="small"
                  type="primary"
                  onClick={() =>
                    props.onQueued({
                      label: `核查通过：${c.number}`,
                      url: `/api/cases/${c.id}/transitions`,
                      body: { type: 'check', pass: true, note: '现场核查：已处置到位', version: c.version },
                    })
                  }
                >
                  核查通过
                </Button>,
              ]}
            >
              <List.Item.Meta title={c.title} description={`${c.number} · ${c.areaName}`} />
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
