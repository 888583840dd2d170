/** Responsibility rules (职责规则): ordered category pattern × area prefix → unit. */
import { Alert, Form, Input, InputNumber, Select } from 'antd';
import { type ApiBody, client, ok, type Rule } from '../../api/client';
import { type CrudConfig, CrudPage } from './CrudPage';

const rules: CrudConfig<Rule> = {
  listUrl: '/api/rules',
  withUnits: true,
  adminOnly: true,
  pageSize: 25,
  intro: (t) => <Alert type="info" showIcon title={t('rules.explain')} style={{ marginBottom: 12 }} />,
  columns: ({ t }) => [
    { title: t('rules.position'), dataIndex: 'position', width: 80 },
    { title: t('rules.category'), dataIndex: 'categoryPattern' },
    { title: t('rules.area'), dataIndex: 'areaPrefix', render: (s: string) => s || t('common.all') },
    { title: t('rules.unit'), dataIndex: 'unitName' },
    { title: t('rules.note'), dataIndex: 'note' },
  ],
  fields: ({ t, units }) => (
    <>
      <Form.Item name="position" label={t('rules.position')}>
        <InputNumber min={0} />
      </Form.Item>
      <Form.Item name="categoryPattern" label={t('rules.category')} rules={[{ required: true }]}>
        <Input placeholder="event.01" />
      </Form.Item>
      <Form.Item name="areaPrefix" label={t('rules.area')}>
        <Input inputMode="numeric" />
      </Form.Item>
      <Form.Item name="unitId" label={t('rules.unit')} rules={[{ required: true }]}>
        <Select
          showSearch
          optionFilterProp="label"
          options={units.map((u) => ({ value: u.id, label: u.name }))}
        />
      </Form.Item>
      <Form.Item name="note" label={t('rules.note')}>
        <Input />
      </Form.Item>
    </>
  ),
  toBody: (v) => {
    const body: Record<string, unknown> = { ...v, areaPrefix: v.areaPrefix ?? '' };
    if (body.position === null) delete body.position;
    return body;
  },
  create: (body) => ok(client.POST('/api/rules', { body: body as ApiBody<'post', '/api/rules'> })),
  update: (id, body) =>
    ok(
      client.PATCH('/api/rules/{id}', {
        params: { path: { id } },
        body: body as ApiBody<'patch', '/api/rules/{id}'>,
      }),
    ),
  remove: {
    label: 'common.delete',
    run: (id) => ok(client.DELETE('/api/rules/{id}', { params: { path: { id } } })),
  },
};

export default function RulesPage() {
  return <CrudPage config={rules} />;
}
