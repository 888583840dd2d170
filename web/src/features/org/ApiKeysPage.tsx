/** Open311 API keys (接口密钥): list, create, rotate and revoke; a new secret is shown once. */
import { Alert, Button, Form, Input, Modal, Popconfirm, Select, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { del, post } from '../../api/client';
import { formatTime } from '../../app/format';
import './apiKeysStrings';
import { useAction, useList } from './useList';

interface ApiKey {
  id: string;
  name: string;
  prefix: string;
  endpoint: 'production' | 'test';
  jurisdiction: string;
  createdAt: string;
  rotatedAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
}
type NewApiKey = ApiKey & { key: string };

export default function ApiKeysPage() {
  const { t } = useTranslation();
  const { rows, loading, reload } = useList<ApiKey>('/api/api-keys');
  const act = useAction();
  const [creating, setCreating] = useState(false);
  const [secret, setSecret] = useState<NewApiKey | null>(null);
  const [form] = Form.useForm();

  const create = async () => {
    const v = (await form.validateFields()) as Record<string, unknown>;
    let made: NewApiKey | null = null;
    const ok = await act(async () => {
      made = await post<NewApiKey>('/api/api-keys', v);
    });
    if (ok) {
      setCreating(false);
      setSecret(made);
      reload();
    }
  };
  const rotate = async (k: ApiKey) => {
    let made: NewApiKey | null = null;
    if (
      await act(async () => {
        made = await post<NewApiKey>(`/api/api-keys/${k.id}/rotate`);
      })
    ) {
      setSecret(made);
      reload();
    }
  };

  return (
    <>
      <Alert type="info" showIcon title={t('apiKeys.explain')} style={{ marginBottom: 12 }} />
      <Button
        type="primary"
        style={{ marginBottom: 12 }}
        onClick={() => {
          form.resetFields();
          setCreating(true);
        }}
      >
        {t('common.create')}
      </Button>
      <Table<ApiKey>
        rowKey="id"
        size="small"
        loading={loading}
        dataSource={rows}
        pagination={false}
        columns={[
          { title: t('apiKeys.name'), dataIndex: 'name' },
          { title: t('apiKeys.prefix'), dataIndex: 'prefix', render: (p: string) => <code>{p}…</code> },
          {
            title: t('apiKeys.endpoint'),
            dataIndex: 'endpoint',
            render: (e: ApiKey['endpoint']) => (
              <Tag color={e === 'production' ? 'blue' : 'default'}>{t(`apiKeys.endpoints.${e}`)}</Tag>
            ),
          },
          { title: t('apiKeys.jurisdiction'), dataIndex: 'jurisdiction' },
          { title: t('apiKeys.created'), dataIndex: 'createdAt', render: (s: string) => formatTime(s) },
          {
            title: t('apiKeys.rotated'),
            dataIndex: 'rotatedAt',
            render: (s: string | null) => (s ? formatTime(s) : '—'),
          },
          {
            title: t('apiKeys.lastUsed'),
            dataIndex: 'lastUsedAt',
            render: (s: string | null) => (s ? formatTime(s) : '—'),
          },
          {
            title: t('common.actions'),
            key: 'actions',
            render: (_: unknown, k: ApiKey) =>
              k.revokedAt ? (
                <Tag color="red">{t('apiKeys.revoked')}</Tag>
              ) : (
                <Space>
                  <Popconfirm title={t('apiKeys.rotateConfirm')} onConfirm={() => void rotate(k)}>
                    <Button size="small">{t('apiKeys.rotate')}</Button>
                  </Popconfirm>
                  <Popconfirm
                    title={t('apiKeys.revokeConfirm')}
                    onConfirm={() => void act(() => del(`/api/api-keys/${k.id}`)).then(reload)}
                  >
                    <Button size="small" danger>
                      {t('apiKeys.revoke')}
                    </Button>
                  </Popconfirm>
                </Space>
              ),
          },
        ]}
      />
      <Modal
        open={creating}
        title={t('common.create')}
        onOk={() => void create()}
        onCancel={() => setCreating(false)}
      >
        <Form
          form={form}
          layout="vertical"
          initialValues={{ endpoint: 'production', jurisdiction: '120101' }}
        >
          <Form.Item name="name" label={t('apiKeys.name')} rules={[{ required: true }]}>
            <Input placeholder="津心办" maxLength={60} />
          </Form.Item>
          <Form.Item name="endpoint" label={t('apiKeys.endpoint')} rules={[{ required: true }]}>
            <Select
              options={(['production', 'test'] as const).map((e) => ({
                value: e,
                label: t(`apiKeys.endpoints.${e}`),
              }))}
            />
          </Form.Item>
          <Form.Item
            name="jurisdiction"
            label={t('apiKeys.jurisdiction')}
            rules={[{ required: true, pattern: /^\d{6}$/ }]}
          >
            <Input inputMode="numeric" maxLength={6} />
          </Form.Item>
        </Form>
      </Modal>
      <Modal
        open={secret !== null}
        title={t('apiKeys.shownOnce')}
        onOk={() => setSecret(null)}
        onCancel={() => setSecret(null)}
        cancelButtonProps={{ style: { display: 'none' } }}
      >
        <Typography.Paragraph>{t('apiKeys.copyNow')}</Typography.Paragraph>
        <Typography.Paragraph copyable code data-testid="api-key-secret">
          {secret?.key}
        </Typography.Paragraph>
      </Modal>
    </>
  );
}
