/** Responsibility rules (职责规则): ordered category pattern × area prefix → unit. */
import { Alert, Button, Form, Input, InputNumber, Modal, Popconfirm, Select, Space, Table } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { del, patch, post, type Rule, type Unit } from '../../api/client';
import { useAuth } from '../../app/auth';
import { useAction, useList } from './useList';

export default function RulesPage() {
  const { t } = useTranslation();
  const { me } = useAuth();
  const isAdmin = me?.roles.includes('admin') ?? false;
  const { rows, loading, reload } = useList<Rule>('/api/rules');
  const units = useList<Unit>('/api/units');
  const act = useAction();
  const [editing, setEditing] = useState<Partial<Rule> | null>(null);
  const [form] = Form.useForm();

  const save = async () => {
    const v = (await form.validateFields()) as Record<string, unknown>;
    v.areaPrefix = v.areaPrefix ?? '';
    if (v.position === null) delete v.position;
    const ok = await act(
      () => (editing?.id ? patch(`/api/rules/${editing.id}`, v) : post('/api/rules', v)),
      t('common.saved'),
    );
    if (ok) {
      setEditing(null);
      reload();
    }
  };

  return (
    <>
      <Alert type="info" showIcon title={t('rules.explain')} style={{ marginBottom: 12 }} />
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
      <Table<Rule>
        rowKey="id"
        size="small"
        loading={loading}
        dataSource={rows}
        pagination={{ pageSize: 25 }}
        columns={[
          { title: t('rules.position'), dataIndex: 'position', width: 80 },
          { title: t('rules.category'), dataIndex: 'categoryPattern' },
          { title: t('rules.area'), dataIndex: 'areaPrefix', render: (s: string) => s || t('common.all') },
          { title: t('rules.unit'), dataIndex: 'unitName' },
          { title: t('rules.note'), dataIndex: 'note' },
          ...(isAdmin
            ? [
                {
                  title: t('common.actions'),
                  key: 'actions',
                  render: (_: unknown, r: Rule) => (
                    <Space>
                      <Button
                        size="small"
                        onClick={() => {
                          form.setFieldsValue(r);
                          setEditing(r);
                        }}
                      >
                        {t('common.edit')}
                      </Button>
                      <Popconfirm
                        title={t('common.confirm')}
                        onConfirm={() => void act(() => del(`/api/rules/${r.id}`)).then(reload)}
                      >
                        <Button size="small" danger>
                          {t('common.delete')}
                        </Button>
                      </Popconfirm>
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
              options={units.rows.map((u) => ({ value: u.id, label: u.name }))}
            />
          </Form.Item>
          <Form.Item name="note" label={t('rules.note')}>
            <Input />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}
