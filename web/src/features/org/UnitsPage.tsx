/** Units: departments, street offices, communities — list, create, edit, deactivate (admin). */
import { Form, Input, Select, Tag } from 'antd';
import { type ApiBody, client, ok, type Unit, type UnitType } from '../../api/client';
import { type CrudConfig, CrudPage } from './CrudPage';

const TYPES: UnitType[] = ['command_center', 'department', 'street_office', 'community', 'hotline_center'];

const units: CrudConfig<Unit> = {
  listUrl: '/api/units',
  adminOnly: true,
  pageSize: 20,
  columns: ({ t }) => [
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
  ],
  fields: ({ t, rows }) => (
    <>
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
    </>
  ),
  toBody: (v) => ({ ...v, parentId: v.parentId ?? null }),
  create: (body) => ok(client.POST('/api/units', { body: body as ApiBody<'post', '/api/units'> })),
  update: (id, body) =>
    ok(
      client.PATCH('/api/units/{id}', {
        params: { path: { id } },
        body: body as ApiBody<'patch', '/api/units/{id}'>,
      }),
    ),
  remove: {
    label: 'common.deactivate',
    when: (u) => u.active,
    run: (id) => ok(client.DELETE('/api/units/{id}', { params: { path: { id } } })),
  },
};

export default function UnitsPage() {
  return <CrudPage config={units} />;
}
