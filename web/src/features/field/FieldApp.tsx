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
import { useTranslation } from 'react-i18next';
import { type CaseSummary, type Category, client, type Located, ok } from '../../api/client';
import { useAuth } from '../../app/auth';
import { formatTime } from '../../app/format';
import { LanguageSwitch } from '../../app/LanguageSwitch';
import LoginPage from '../auth/LoginPage';
import { type FieldAlarm, FieldAlarms } from '../emergency/FieldAlarms';
import { FieldInspections, type InspectorTarget } from '../safety/FieldInspections';
import { discard, enqueue, loadOutbox, type Outgoing, shrinkPhoto, syncOutbox } from './queue';
import '../cases/strings';
import './strings';

const CACHE = 'wangge.field.cache';
type Cache = {
  categories: Category[];
  check: CaseSummary[];
  verify: CaseSummary[];
  mine: CaseSummary[];
  /** 双随机 targets where the worker is one of the two inspectors (open, or done today). */
  inspections: InspectorTarget[];
  /** Device alarms of the worker's area waiting for a check on the spot (报警核查). */
  alarms: FieldAlarm[];
  at: string | null;
};
const EMPTY: Cache = {
  categories: [],
  check: [],
  verify: [],
  mine: [],
  inspections: [],
  alarms: [],
  at: null,
};

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
  const { t, i18n } = useTranslation();
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
      // Only inspectors, supervisors and administrators have an inspection list; others keep none.
      const inspections = await ok(client.GET('/api/safety/my-targets')).catch(() => []);
      const alarms = await ok(
        client.GET('/api/emergency/alarms', { params: { query: { status: 'to_check' } } }),
      ).catch(() => []);
      const next = {
        categories,
        check: check.items,
        verify: verify.items,
        mine: mine.items,
        inspections,
        alarms,
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
      void message.success(t('field.synced', { count: r.sent }));
      void refresh();
    }
  }, [message, refresh, t]);

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
            {t('field.myGrid', { name: me?.scopeName, code: me?.scope })}
          </Typography.Text>
        </div>
        <Space data-testid="sync-state">
          <Badge
            status={online ? 'success' : 'default'}
            text={online ? t('field.online') : t('field.offline')}
          />
          {waiting > 0 ? (
            <Tag color="orange">{t('field.waiting', { count: waiting })}</Tag>
          ) : (
            <Tag color="green">{t('field.allSynced')}</Tag>
          )}
          <LanguageSwitch />
        </Space>
      </Space>
      <Tabs
        items={[
          {
            key: 'report',
            label: t('field.tabReport'),
            children: <ReportForm categories={cache.categories} online={online} onQueued={queued} />,
          },
          {
            key: 'tasks',
            label: t('field.tabTasks', { count: cache.check.length }),
            children: <Tasks cache={cache} onQueued={queued} />,
          },
          {
            key: 'inspections',
            label: t('safety.fieldTab', {
              count: cache.inspections.filter((x) => x.result === null).length,
            }),
            children: <FieldInspections targets={cache.inspections} outbox={outbox} onQueued={queued} />,
          },
          {
            key: 'alarms',
            label: t('emergency.alarm.fieldTab', { count: cache.alarms.length }),
            children: <FieldAlarms alarms={cache.alarms} outbox={outbox} onQueued={queued} />,
          },
          {
            key: 'outbox',
            label: t('field.tabOutbox', { count: outbox.length }),
            children: (
              <Space direction="vertical" style={{ width: '100%' }}>
                <Button onClick={() => void sync()} loading={syncing} disabled={!online}>
                  {t('field.syncNow')}
                </Button>
                <List
                  dataSource={outbox}
                  locale={{ emptyText: t('field.outboxEmpty') }}
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
                                {t('field.discard')}
                              </Button>,
                            ]
                          : []
                      }
                    >
                      <List.Item.Meta
                        title={x.label}
                        description={
                          x.refused ? (
                            <Typography.Text type="danger">
                              {t('field.refused', { error: x.lastError })}
                            </Typography.Text>
                          ) : x.attempts ? (
                            t('field.retried', { count: x.attempts, error: x.lastError })
                          ) : (
                            t('field.waitingNetwork')
                          )
                        }
                      />
                    </List.Item>
                  )}
                />
                {cache.at && (
                  <Typography.Text type="secondary">
                    {t('field.cachedAt', { at: formatTime(cache.at, i18n.language) })}
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
  const { t, i18n } = useTranslation();
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
      () => setError(t('field.noFix')),
      { enableHighAccuracy: true, timeout: 15_000 },
    );

  const submit = (v: { categoryCode: string; note: string }) => {
    if (!fix) return setError(t('field.locateFirst'));
    const category = props.categories.find((c) => c.code === v.categoryCode);
    props.onQueued({
      label: t('field.reportLabel', {
        category: category?.name ?? v.categoryCode,
        note: v.note.slice(0, 20),
      }),
      url: '/api/cases',
      body: {
        categoryCode: v.categoryCode,
        title: v.note.slice(0, 60),
        description: `${v.note}\n${t('field.accuracyNote', { metres: fix.accuracy })}`,
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
        <Form.Item
          name="categoryCode"
          label={t('field.category')}
          rules={[{ required: true, message: t('field.categoryRequired') }]}
        >
          <Select
            showSearch
            optionFilterProp="label"
            data-testid="field-category"
            options={props.categories
              .filter((c) => c.kind === 'event' || c.kind === 'component')
              .map((c) => ({
                value: c.code,
                label:
                  i18n.language === 'en'
                    ? `${c.majorNameEn || c.majorName} · ${c.nameEn || c.name}`
                    : `${c.majorName} · ${c.name}`,
              }))}
          />
        </Form.Item>
        <Space direction="vertical" style={{ width: '100%', marginBottom: 12 }}>
          <Button onClick={locate} data-testid="field-locate">
            {t('field.locate')}
          </Button>
          {fix && (
            <Typography.Text data-testid="field-fix">
              {fix.lat.toFixed(6)}, {fix.lon.toFixed(6)} · {t('field.accuracy', { metres: fix.accuracy })}{' '}
              {located
                ? `· ${located.community.name} ${located.grid.code}`
                : props.online
                  ? ''
                  : t('field.offlineGrid')}
            </Typography.Text>
          )}
          <input
            type="file"
            accept="image/*"
            capture="environment"
            data-testid="field-photo"
            onChange={(e) => {
              const f = e.target.files?.[0];
              if (f) void shrinkPhoto(f).then(setPhoto, () => setError(t('field.photoUnreadable')));
            }}
          />
          {photo && <img src={photo} alt="" style={{ width: 120, borderRadius: 4 }} />}
        </Space>
        <Form.Item
          name="note"
          label={t('field.note')}
          rules={[{ required: true, min: 2, message: t('field.noteRequired') }]}
        >
          <Input.TextArea rows={3} maxLength={500} data-testid="field-note" />
        </Form.Item>
        {error && <Alert type="error" title={error} showIcon style={{ marginBottom: 12 }} />}
        <Button type="primary" htmlType="submit" block size="large" data-testid="field-submit">
          {t('field.submit')}
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
  const { t } = useTranslation();
  const [from, setFrom] = useState<{ lon: number; lat: number } | null>(null);
  const stops = [...props.cache.verify, ...props.cache.check];
  const route = patrolRoute(from, stops);
  const act = (c: CaseSummary, label: string, body: Record<string, unknown>) =>
    props.onQueued({
      label: t('field.actionLabel', { action: label, number: c.number }),
      url: `/api/cases/${c.id}/transitions`,
      body: { ...body, version: c.version },
    });
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Card
        size="small"
        title={t('field.route')}
        extra={
          <Button
            size="small"
            onClick={() =>
              navigator.geolocation.getCurrentPosition((p) =>
                setFrom({ lon: p.coords.longitude, lat: p.coords.latitude }),
              )
            }
          >
            {t('field.sortFromHere')}
          </Button>
        }
      >
        <List
          dataSource={route}
          locale={{ emptyText: t('field.noTasks') }}
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
                          act(c, t('field.verifyTrue'), {
                            type: 'verify_report',
                            found: true,
                            note: t('field.verifyTrueNote'),
                          })
                        }
                      >
                        {t('field.foundTrue')}
                      </Button>,
                      <Button
                        key="n"
                        size="small"
                        onClick={() =>
                          act(c, t('field.verifyFalse'), {
                            type: 'verify_report',
                            found: false,
                            note: t('field.verifyFalseNote'),
                          })
                        }
                      >
                        {t('field.foundFalse')}
                      </Button>,
                    ]
                  : [
                      <Button
                        key="ok"
                        size="small"
                        type="primary"
                        onClick={() =>
                          act(c, t('field.checkPass'), {
                            type: 'check',
                            pass: true,
                            note: t('field.checkPassNote'),
                          })
                        }
                      >
                        {t('field.checkPass')}
                      </Button>,
                      <Button
                        key="no"
                        size="small"
                        danger
                        onClick={() =>
                          act(c, t('field.checkFail'), {
                            type: 'check',
                            pass: false,
                            note: t('field.checkFailNote'),
                          })
                        }
                      >
                        {t('field.fail')}
                      </Button>,
                    ]
              }
            >
              <List.Item.Meta
                title={`${i + 1}. ${c.title}`}
                description={`${c.state === 'verifying' ? t('field.toVerify') : t('field.toCheck')} · ${c.areaName}${leg !== null ? t('field.nextStop', { metres: leg }) : ''}`}
              />
            </List.Item>
          )}
        />
      </Card>
      <Card size="small" title={t('field.mine')}>
        <List
          dataSource={props.cache.mine}
          renderItem={(c) => (
            <List.Item>
              {c.title} · {t(`cases.states.${c.state}`, { defaultValue: c.state })}
            </List.Item>
          )}
        />
      </Card>
    </Space>
  );
}
