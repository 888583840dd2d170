/**
 * The notification centre (通知中心) in the console header: a bell with the unread count (polled every
 * 45 s), a drawer listing the unit's notifications with links to their cases, marking one or all read,
 * and the user's own choice of which kinds to be told about.
 */
import { BellOutlined } from '@ant-design/icons';
import { App, Badge, Button, Drawer, List, Space, Switch, Tabs, Tag, Typography } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { type ApiAnswer, client, ok } from '../api/client';
import { formatTime } from './format';

type Notice = ApiAnswer<'get', '/api/notifications'>[number];
type Prefs = ApiAnswer<'get', '/api/notifications/preferences'>;

const POLL_MS = 45_000;

export function NotificationBell() {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const [count, setCount] = useState(0);
  const [open, setOpen] = useState(false);
  const [items, setItems] = useState<Notice[]>([]);
  const [prefs, setPrefs] = useState<Prefs | null>(null);

  const refreshCount = useCallback(async () => {
    try {
      setCount((await ok(client.GET('/api/notifications/unread-count'))).count);
    } catch {
      // a failed poll keeps the last count; the next one tries again
    }
  }, []);
  const load = useCallback(async () => {
    const [list, p] = await Promise.all([
      ok(client.GET('/api/notifications')),
      ok(client.GET('/api/notifications/preferences')),
    ]);
    setItems(list);
    setPrefs(p);
    void refreshCount();
  }, [refreshCount]);

  useEffect(() => {
    void refreshCount();
    const timer = setInterval(() => void refreshCount(), POLL_MS);
    return () => clearInterval(timer);
  }, [refreshCount]);
  // The texts are rendered by the server in the reader's language: reload them when it changes.
  // biome-ignore lint/correctness/useExhaustiveDependencies: reload on a language change only
  useEffect(() => {
    if (open) void load().catch((e: Error) => void message.error(e.message));
  }, [open, load, i18n.language, message]);

  const markRead = async (n: Notice) => {
    if (!n.read) await ok(client.POST('/api/notifications/{id}/read', { params: { path: { id: n.id } } }));
  };
  const openCase = async (n: Notice) => {
    await markRead(n).catch(() => undefined);
    if (n.caseId) {
      setOpen(false);
      void navigate(`/cases/${n.caseId}`);
    }
    void load();
  };
  const readAll = async () => {
    await ok(client.POST('/api/notifications/read-all'));
    await load();
  };
  const toggle = async (kind: Prefs['kinds'][number], on: boolean) => {
    if (!prefs) return;
    const muted = on ? prefs.muted.filter((k) => k !== kind) : [...prefs.muted, kind];
    setPrefs(await ok(client.PUT('/api/notifications/preferences', { body: { muted } })));
    void message.success(t('common.saved'));
    await load();
  };

  return (
    <>
      <Badge count={count} size="small" overflowCount={99}>
        <Button
          type="text"
          icon={<BellOutlined />}
          aria-label={t('notifications.title')}
          data-testid="notification-bell"
          onClick={() => setOpen(true)}
        />
      </Badge>
      <span data-testid="notification-count" style={{ display: 'none' }}>
        {count}
      </span>
      <Drawer title={t('notifications.title')} open={open} onClose={() => setOpen(false)} width={420}>
        <Tabs
          items={[
            {
              key: 'list',
              label: t('notifications.inbox'),
              children: (
                <Space direction="vertical" style={{ width: '100%' }}>
                  <Button
                    size="small"
                    disabled={count === 0}
                    onClick={() => void readAll().catch((e: Error) => void message.error(e.message))}
                    data-testid="notifications-read-all"
                  >
                    {t('notifications.readAll')}
                  </Button>
                  <List
                    data-testid="notification-list"
                    dataSource={items}
                    locale={{ emptyText: t('notifications.empty') }}
                    renderItem={(n) => (
                      <List.Item
                        actions={
                          n.read
                            ? []
                            : [
                                <Button
                                  key="read"
                                  size="small"
                                  type="link"
                                  onClick={() => void markRead(n).then(load)}
                                >
                                  {t('notifications.markRead')}
                                </Button>,
                              ]
                        }
                      >
                        <List.Item.Meta
                          title={
                            <Space size={4} wrap>
                              {!n.read && <Badge status="processing" />}
                              <Tag>{t(`notifications.kinds.${n.kind}`, { defaultValue: n.kind })}</Tag>
                              {n.caseId ? (
                                <Typography.Link onClick={() => void openCase(n)}>
                                  {n.message}
                                </Typography.Link>
                              ) : (
                                <Typography.Text strong={!n.read}>{n.message}</Typography.Text>
                              )}
                            </Space>
                          }
                          description={formatTime(n.createdAt, i18n.language)}
                        />
                      </List.Item>
                    )}
                  />
                </Space>
              ),
            },
            {
              key: 'prefs',
              label: t('notifications.settings'),
              children: (
                <Space direction="vertical" style={{ width: '100%' }}>
                  <Typography.Text type="secondary">{t('notifications.settingsHint')}</Typography.Text>
                  {prefs?.kinds.map((k) => (
                    <Space key={k} style={{ width: '100%', justifyContent: 'space-between' }}>
                      <span>{t(`notifications.kinds.${k}`)}</span>
                      <Switch
                        checked={!prefs.muted.includes(k)}
                        onChange={(on) =>
                          void toggle(k, on).catch((e: Error) => void message.error(e.message))
                        }
                        data-testid={`notification-pref-${k}`}
                      />
                    </Space>
                  ))}
                </Space>
              ),
            },
          ]}
        />
      </Drawer>
    </>
  );
}
