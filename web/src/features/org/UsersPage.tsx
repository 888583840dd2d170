/** Users: roles, unit and scope; API tokens shown once (admin). */
import { Button, Form, Input, Modal, Select, Space, Switch, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type ApiBody, client, ok, ROLES, type User } from '../../api/client';
import { type CrudConfig, CrudPage } from './CrudPage';
import { useAction } from './useList';
import '../cases/strings'; // cases.unitHead

const users: CrudConfig<User> = {
  listUrl: '/api/users',
  withUnits: true,
  adminOnly: false, // the page itself is for administrators only
  columns: ({ t }) => [
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
          {u.unitHead && <Tag color="blue">{t('cases.unitHead')}</Tag>}
          {u.lockedUntil && new Date(u.lockedUntil) > new Date() && (
            <Tag color="red">{t('users.locked')}</Tag>
          )}
        </Space>
      ),
    },
  ],
  fields: ({ t, units, editing }) => (
    <>
      <Form.Item
        name="username"
        label={t('users.username')}
        rules={[{ required: true, pattern: /^[a-z0-9_.-]{3,40}$/ }]}
      >
        <Input disabled={!!editing.id} autoComplete="off" />
      </Form.Item>
      <Form.Item name="displayName" label={t('users.displayName')} rules={[{ required: true }]}>
        <Input />
      </Form.Item>
      <Form.Item
        name="password"
        label={t('users.password')}
        extra={t('users.passwordHint')}
        rules={[{ required: !editing.id, min: 10 }]}
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
          options={units.map((u) => ({ value: u.id, label: u.name }))}
        />
      </Form.Item>
      <Form.Item name="scope" label={t('users.scope')} rules={[{ pattern: /^(\d{6}(\d{3}){0,3})?$/ }]}>
        <Input inputMode="numeric" />
      </Form.Item>
      <Form.Item
        name="unitHead"
        label={t('cases.unitHead')}
        valuePropName="checked"
        extra={t('cases.unitHeadHint')}
      >
        <Switch data-testid="user-unit-head" />
      </Form.Item>
      {editing.id && (
        <Form.Item name="active" label={t('users.status')} valuePropName="checked">
          <Switch />
        </Form.Item>
      )}
    </>
  ),
  toForm: (u) => ({ ...u, password: '' }),
  toBody: (values, editing) => {
    const v: Record<string, unknown> = {
      ...values,
      unitId: values.unitId ?? null,
      scope: values.scope ?? '',
    };
    if (!v.password) delete v.password;
    if (editing.id) delete v.username;
    return v;
  },
  create: (body) => ok(client.POST('/api/users', { body: body as ApiBody<'post', '/api/users'> })),
  update: (id, body) =>
    ok(
      client.PATCH('/api/users/{id}', {
        params: { path: { id } },
        body: body as ApiBody<'patch', '/api/users/{id}'>,
      }),
    ),
  rowActions: (u) => <NewTokenButton user={u} />,
};

export default function UsersPage() {
  return <CrudPage config={users} />;
}

/** Issues an API token for a user and shows it once. */
function NewTokenButton({ user }: { user: User }) {
  const { t } = useTranslation();
  const act = useAction();
  const [asking, setAsking] = useState(false);
  const [newToken, setNewToken] = useState<string | null>(null);
  const [form] = Form.useForm<{ name: string }>();

  const createToken = async () => {
    const body = await form.validateFields();
    await act(async () => {
      const r = await ok(client.POST('/api/users/{id}/tokens', { params: { path: { id: user.id } }, body }));
      setNewToken(r.token);
      setAsking(false);
    });
  };

  return (
    <>
      <Button
        size="small"
        onClick={() => {
          form.resetFields();
          setAsking(true);
        }}
      >
        {t('users.newToken')}
      </Button>
      <Modal
        open={asking}
        title={t('users.newToken')}
        onOk={() => void createToken()}
        onCancel={() => setAsking(false)}
      >
        <Form form={form} layout="vertical">
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
