/** 立结案标准: the catalogue with its time limits — edited in place, exported to and imported from XLSX. */
import {
  App,
  Button,
  Card,
  Form,
  Input,
  InputNumber,
  Modal,
  Select,
  Space,
  Switch,
  Table,
  Tag,
  Upload,
} from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type Category, type Limit, patch } from '../../api/client';
import { useAuth } from '../../app/auth';
import { useAction, useList } from '../org/useList';
import './strings';

const UNITS = ['work_hour', 'work_day', 'natural_hour', 'natural_day'] as const;
/** 公开范围 (what Open311 and the portal show of a category's cases) and the precision of its points. */
const PUBLICATIONS = ['none', 'status', 'text'] as const;
const PRECISIONS = ['exact', 'grid'] as const;

export default function CategoriesPage() {
  const { t } = useTranslation();
  const { me } = useAuth();
  const { message } = App.useApp();
  const run = useAction();
  const list = useList<Category>('/api/categories?all=1');
  const [editing, setEditing] = useState<Category | null>(null);
  const [kind, setKind] = useState<string | null>(null);
  const isAdmin = me?.roles.includes('admin') ?? false;
  const limit = (l: Limit) => `${l.value} ${t(`cases.units.${l.unit}`)}`;
  const kinds = [...new Set(list.rows.map((c) => c.kind))];

  const importXlsx = (file: File) => {
    const form = new FormData();
    form.append('file', file, file.name);
    api<{ imported: number }>('POST', '/api/categories/import', form)
      .then((r) => {
        void message.success(t('cases.imported', { n: r.imported }));
        list.reload();
      })
      .catch((e: Error) => void message.error(e.message));
    return false;
  };

  return (
    <Card
      title={t('cases.catalogue')}
      extra={
        <Space>
          <Button href="/api/categories/export.xlsx">{t('cases.export')}</Button>
          {isAdmin && (
            <Upload accept=".xlsx" showUploadList={false} beforeUpload={importXlsx}>
              <Button>{t('cases.import')}</Button>
            </Upload>
          )}
        </Space>
      }
    >
      <Space style={{ marginBottom: 12 }}>
        <Select
          allowClear
          placeholder={t('cases.category')}
          style={{ width: 160 }}
          options={kinds.map((k) => ({ value: k, label: t(`cases.kinds.${k}`) }))}
          onChange={(v) => setKind(v ?? null)}
        />
      </Space>
      <Table<Category>
        rowKey="code"
        size="small"
        loading={list.loading}
        dataSource={kind ? list.rows.filter((c) => c.kind === kind) : list.rows}
        pagination={{ pageSize: 50 }}
        columns={[
          { title: 'code', dataIndex: 'code' },
          { title: t('cases.category'), render: (_, c) => `${t(`cases.kinds.${c.kind}`)} · ${c.majorName}` },
          { title: t('units.name'), dataIndex: 'name' },
          { title: t('cases.fileLimit'), render: (_, c) => limit(c.fileLimit) },
          { title: t('cases.signLimit'), render: (_, c) => limit(c.signLimit) },
          { title: t('cases.handleLimit'), render: (_, c) => limit(c.handleLimit) },
          {
            title: t('cases.urgency'),
            dataIndex: 'urgency',
            render: (u: string) => (
              <Tag color={u === 'critical' ? 'red' : u === 'urgent' ? 'orange' : 'default'}>
                {t(`cases.urgencies.${u}`)}
              </Tag>
            ),
          },
          { title: t('cases.route'), dataIndex: 'route', render: (r: string) => t(`cases.routes.${r}`) },
          {
            title: t('cases.checkRequired'),
            dataIndex: 'checkRequired',
            render: (b: boolean) => (b ? '✓' : ''),
          },
          {
            title: t('cases.publication'),
            render: (_, c) => (
              <Space size={2} wrap>
                <Tag
                  color={c.publication === 'none' ? 'default' : c.publication === 'text' ? 'green' : 'blue'}
                >
                  {t(`cases.publications.${c.publication}`)}
                </Tag>
                {c.publication !== 'none' && <Tag>{t(`cases.precisions.${c.pointPrecision}`)}</Tag>}
                {c.publishHotline && <Tag color="orange">{t('cases.publishHotline')}</Tag>}
              </Space>
            ),
          },
          {
            title: t('units.status'),
            dataIndex: 'active',
            render: (a: boolean) => (a ? t('common.active') : t('common.inactive')),
          },
          ...(isAdmin
            ? [
                {
                  title: t('common.actions'),
                  render: (_: unknown, c: Category) => (
                    <Button size="small" onClick={() => setEditing(c)}>
                      {t('common.edit')}
                    </Button>
                  ),
                },
              ]
            : []),
        ]}
      />
      {editing && (
        <EditCategory
          c={editing}
          onClose={() => setEditing(null)}
          onSave={(v) =>
            run(() => patch(`/api/categories/${editing.code}`, v), t('common.saved')).then((ok) => {
              if (ok) {
                setEditing(null);
                list.reload();
              }
            })
          }
        />
      )}
    </Card>
  );
}

function LimitInput(props: { name: string; label: string }) {
  const { t } = useTranslation();
  return (
    <Form.Item label={props.label} required>
      <Space.Compact>
        <Form.Item name={[props.name, 'value']} noStyle rules={[{ required: true }]}>
          <InputNumber min={0.1} max={10000} step={0.5} />
        </Form.Item>
        <Form.Item name={[props.name, 'unit']} noStyle>
          <Select
            style={{ width: 110 }}
            options={UNITS.map((u) => ({ value: u, label: t(`cases.units.${u}`) }))}
          />
        </Form.Item>
      </Space.Compact>
    </Form.Item>
  );
}

function EditCategory(props: { c: Category; onClose(): void; onSave(v: Partial<Category>): void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<Category>();
  return (
    <Modal
      open
      title={`${props.c.code} ${props.c.name}`}
      onCancel={props.onClose}
      onOk={() => form.submit()}
      okText={t('common.save')}
      width={640}
    >
      <Form form={form} layout="vertical" initialValues={props.c} onFinish={props.onSave}>
        <Form.Item name="name" label={t('units.name')} rules={[{ required: true }]}>
          <Input maxLength={60} />
        </Form.Item>
        <Form.Item name="filingCriterion" label={t('cases.filing')}>
          <Input.TextArea rows={2} />
        </Form.Item>
        <Form.Item name="closingCriterion" label={t('cases.closing')}>
          <Input.TextArea rows={2} />
        </Form.Item>
        <Space wrap>
          <LimitInput name="fileLimit" label={t('cases.fileLimit')} />
          <LimitInput name="signLimit" label={t('cases.signLimit')} />
          <LimitInput name="handleLimit" label={t('cases.handleLimit')} />
        </Space>
        <Space wrap>
          <Form.Item name="urgency" label={t('cases.urgency')}>
            <Select
              style={{ width: 120 }}
              options={['normal', 'urgent', 'critical'].map((u) => ({
                value: u,
                label: t(`cases.urgencies.${u}`),
              }))}
            />
          </Form.Item>
          <Form.Item name="route" label={t('cases.route')}>
            <Select
              style={{ width: 140 }}
              options={['rules', 'street'].map((r) => ({ value: r, label: t(`cases.routes.${r}`) }))}
            />
          </Form.Item>
          <Form.Item name="checkRequired" label={t('cases.checkRequired')} valuePropName="checked">
            <Switch />
          </Form.Item>
          <Form.Item name="active" label={t('common.active')} valuePropName="checked">
            <Switch />
          </Form.Item>
        </Space>
        <Space wrap>
          <Form.Item name="publication" label={t('cases.publication')}>
            <Select
              style={{ width: 200 }}
              data-testid="category-publication"
              options={PUBLICATIONS.map((p) => ({ value: p, label: t(`cases.publications.${p}`) }))}
            />
          </Form.Item>
          <Form.Item name="pointPrecision" label={t('cases.pointPrecision')}>
            <Select
              style={{ width: 140 }}
              options={PRECISIONS.map((p) => ({ value: p, label: t(`cases.precisions.${p}`) }))}
            />
          </Form.Item>
          <Form.Item name="publishHotline" label={t('cases.publishHotline')} valuePropName="checked">
            <Switch />
          </Form.Item>
        </Space>
      </Form>
    </Modal>
  );
}
