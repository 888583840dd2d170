/** Users: roles, unit and scope; API tokens shown once (admin). */
import { Button, Form, Input, Modal, Select, Space, Switch, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { patch, post, ROLES, type Unit, type User } from '../../api/client';
import { useAction, useList } from './useList';

export default function UsersPage() {
  const { t } = useTranslation();
  const { rows, loading, reload } = useList<User>('/api/users');
  const units = useList<Unit>('/api/units');
  const act = useAction();
  const [editing, setEditing] = useState<Partial<User> | null>(null);
  const [tokenFor, setTokenFor] = useState<User | null>(null);
  const [newToken, setNewToken] = useState<string | null>(null);
  const [form] = Form.useForm();
  const [tokenForm] = Form.useForm();

  const save = async () => {
    const v = (await form.validateFields()) as Record<string, unknown>;
    if (!v.password) delete v.password;
    if (editing?.id) delete v.username;
    v.unitId = v.unitId ?? null;
    v.scope = v.scope ?? '';
    const ok = await act(
      () => (editing?.id ? patch(`/api/users/${editing.id}`, v) : post('/api/users', v)),
      t('common.saved'),
    );
    if (ok) {
      setEditing(null);
      reload();
    }
  };

  const createToken = async () => {
    const v = (await tokenForm.validateFields()) as { name: string };
    await act(async () => {
      const r = await post<{ token: string }>(`/api/users/${tokenFor?.id}/tokens`, v);
      setNewToken(r.token);
      setTokenFor(null);
    });
  };

  return (
    <>
      <Button
        type="primary"
        style={{ marginBottom: 12 }}
        onClick={() => {
          form.resetFields();
          setEditing({});
        }}
      >
        {t('common.create')}
      </Button>
      <Table<User>
        rowKey="id"
        size="small"
        loading={loading}
        dataSource={rows}
        columns={[
          { title: t('users.username'), dataIndex: 'username' },
          { title: t('users.displayName'), dataIndex: 'displayName' },
          {
            title: t('users.roles'),
            dataIndex: 'roles',
            render: (rs: string[]) => rs.map((r) => <Tag key={r}>{t(`role.${r}`)}</Tag>),
          },
          { title: t('users.unit'), dataIndex: 'unitName' },
          { title: t('users.scope'), dataIndex: 'scope', render: (s: string) => s || t('common.all') },
          {
            title: t('users.status'),
            key: 'status',
            render: (_: unknown, u: User) => (
              <Space>
                <Tag color={u.active ? 'green' : 'default'}>
                  {u.active ? t('common.active') : t('common.inactive')}
                </Tag>
                {u.lockedUntil && new Date(u.lockedUntil) > new Date() && (
                  <Tag color="red">{t('users.locked')}</Tag>
                )}
              </Space>
            ),
          },
          {
            title: t('common.actions'),
            key: 'actions',
            render: (_: unknown, u: User) => (
              <Space>
                <Button
                  size="small"
                  onClick={() => {
                    form.setFieldsValue({ ...u, password: '' });
                    setEditing(u);
                  }}
                >
                  {t('common.edit')}
                </Button>
                <Button
                  size="small"
                  onClick={() => {
                    tokenForm.resetFields();
                    setTokenFor(u);
                  }}
                >
                  {t('users.newToken')}
                </Button>
              </Space>
            ),
          },
        ]}
      />
      <Modal
        open={editing !== null}
        title={editing?.id ? t('common.edit') : t('common.create')}
        onOk={() => void save()}
        onCancel={() => setEditing(null)}
      >
        <Form form={form} layout="vertical">
          <Form.Item
            name="username"
            label={t('users.username')}
            rules={[{ required: true, pattern: /^[a-z0-9_.-]{3,40}$/ }]}
          >
            <Input disabled={!!editing?.id} autoComplete="off" />
          </Form.Item>
          <Form.Item name="displayName" label={t('users.displayName')} rules={[{ required: true }]}>
            <Input />
          </Form.Item>
          <Form.Item
            name="password"
            label={t('users.password')}
            extra={t('users.passwordHint')}
            rules={[{ required: !editing?.id, min: 10 }]}
          >
            <Input.Password autoComplete="new-password" />
          </Form.Item>
          <Form.Item name="roles" label={t('users.roles')} rules={[{ required: true }]}>
            <Select mode="multiple" options={ROLES.map((r) => ({ value: r, label: t(`role.${r}`) }))} />
          </Form.Item>
          <Form.Item name="unitId" label={t('users.unit')}>
            <Select
              allowClear
              showSearch
              optionFilterProp="label"
              options={units.rows.map((u) => ({ value: u.id, label: u.name }))}
            />
          </Form.Item>
          <Form.Item name="scope" label={t('users.scope')} rules={[{ pattern: /^(\d{6}(\d{3}){0,3})?$/ }]}>
            <Input inputMode="numeric" />
          </Form.Item>
          {editing?.id && (
            <Form.Item name="active" label={t('users.status')} valuePropName="checked">
              <Switch />
            </Form.Item>
          )}
        </Form>
      </Modal>
      <Modal
        open={tokenFor !== null}
        title={t('users.newToken')}
        onOk={() => void createToken()}
        onCancel={() => setTokenFor(null)}
      >
        <Form form={tokenForm} layout="vertical">
          <Form.Item name="name" label={t('users.tokenName')} rules={[{ required: true }]}>
            <Input />
          </Form.Item>
        </Form>
      </Modal>
      <Modal
        open={newToken !== null}
        title={t('users.newToken')}
        footer={null}
        onCancel={() => setNewToken(null)}
      >
        <Typography.Paragraph>{t('users.tokenOnce')}</Typography.Paragraph>
        <Typography.Paragraph code copyable data-testid="new-token">
          {newToken}
        </Typography.Paragraph>
      </Modal>
    </>
  );
}
