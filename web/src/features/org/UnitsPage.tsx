/** Units: departments, street offices, communities — list, create, edit, deactivate (admin). */
import { Button, Form, Input, Modal, Popconfirm, Select, Space, Table, Tag } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { del, patch, post, type Unit, type UnitType } from '../../api/client';
import { useAuth } from '../../app/auth';
import { useAction, useList } from './useList';

const TYPES: UnitType[] = ['command_center', 'department', 'street_office', 'community', 'hotline_center'];

export default function UnitsPage() {
  const { t } = useTranslation();
  const { me } = useAuth();
  const isAdmin = me?.roles.includes('admin') ?? false;
  const { rows, loading, reload } = useList<Unit>('/api/units');
  const act = useAction();
  const [editing, setEditing] = useState<Partial<Unit> | null>(null);
  const [form] = Form.useForm();

  const save = async () => {
    const v = (await form.validateFields()) as Partial<Unit>;
    const body = { ...v, parentId: v.parentId ?? null };
    const ok = await act(
      () => (editing?.id ? patch(`/api/units/${editing.id}`, body) : post('/api/units', body)),
      t('common.saved'),
    );
    if (ok) {
      setEditing(null);
      reload();
    }
  };

  return (
    <>
      {isAdmin && (
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
      )}
      <Table<Unit>
        rowKey="id"
        size="small"
        loading={loading}
        dataSource={rows}
        pagination={{ pageSize: 20 }}
        columns={[
          { title: t('units.code'), dataIndex: 'code' },
          { title: t('units.name'), dataIndex: 'name' },
          { title: t('units.type'), dataIndex: 'type', render: (v: UnitType) => t(`unitType.${v}`) },
          { title: t('units.area'), dataIndex: 'areaCode' },
          {
            title: t('units.status'),
            dataIndex: 'active',
            render: (a: boolean) => (
              <Tag color={a ? 'green' : 'default'}>{a ? t('common.active') : t('common.inactive')}</Tag>
            ),
          },
          ...(isAdmin
            ? [
                {
                  title: t('common.actions'),
                  key: 'actions',
                  render: (_: unknown, u: Unit) => (
                    <Space>
                      <Button
                        size="small"
                        onClick={() => {
                          form.setFieldsValue(u);
                          setEditing(u);
                        }}
                      >
                        {t('common.edit')}
                      </Button>
                      {u.active && (
                        <Popconfirm
                          title={t('common.confirm')}
                          onConfirm={() => void act(() => del(`/api/units/${u.id}`)).then(reload)}
                        >
                          <Button size="small" danger>
                            {t('common.deactivate')}
                          </Button>
                        </Popconfirm>
                      )}
                    </Space>
                  ),
                },
              ]
            : []),
        ]}
      />
      <Modal
        open={editing !== null}
        title={editing?.id ? t('common.edit') : t('common.create')}
        onOk={() => void save()}
        onCancel={() => setEditing(null)}
      >
        <Form form={form} layout="vertical">
          <Form.Item name="code" label={t('units.code')} rules={[{ required: true }]}>
            <Input />
          </Form.Item>
          <Form.Item name="name" label={t('units.name')} rules={[{ required: true }]}>
            <Input />
          </Form.Item>
          <Form.Item name="nameEn" label={t('units.nameEn')}>
            <Input />
          </Form.Item>
          <Form.Item name="type" label={t('units.type')} rules={[{ required: true }]}>
            <Select options={TYPES.map((x) => ({ value: x, label: t(`unitType.${x}`) }))} />
          </Form.Item>
          <Form.Item
            name="areaCode"
            label={t('units.area')}
            rules={[{ required: true, pattern: /^\d{6}(\d{3}){0,3}$/ }]}
          >
            <Input inputMode="numeric" />
          </Form.Item>
          <Form.Item name="parentId" label={t('units.parent')}>
            <Select
              allowClear
              showSearch
              optionFilterProp="label"
              options={rows.map((u) => ({ value: u.id, label: u.name }))}
            />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}
