/** 场所/企业台账: search, register, import XLSX with the row-by-row report, export, and the map. */
import {
  Alert,
  App,
  Button,
  Card,
  Form,
  Input,
  InputNumber,
  List,
  Modal,
  Segmented,
  Select,
  Space,
  Table,
  Tag,
  Upload,
} from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type ApiAnswer, ApiError, api, post } from '../../api/client';
import { useAuth } from '../../app/auth';
import { useList } from '../org/useList';
import { SafetyMap } from './SafetyMap';
import { GRADE_COLORS, RISK_GRADES } from './strings';

export type Place = ApiAnswer<'get', '/api/safety/places'>[number];
type RowProblem = { row: number; problems: string[] };

export function canWrite(roles: readonly string[] | undefined): boolean {
  return roles?.some((r) => r === 'supervisor' || r === 'admin') ?? false;
}

export function Registry() {
  const { t } = useTranslation();
  const { me } = useAuth();
  const { message } = App.useApp();
  const [filter, setFilter] = useState<{ q?: string; industry?: string; riskGrade?: string }>({});
  const [view, setView] = useState<'list' | 'map'>('list');
  const [creating, setCreating] = useState(false);
  const [report, setReport] = useState<{ ok: boolean; text: string; rows: RowProblem[] } | null>(null);
  const query = new URLSearchParams(
    Object.entries({ ...filter, limit: '500' }).filter((e): e is [string, string] => !!e[1]),
  ).toString();
  const list = useList<Place>(`/api/safety/places?${query}`);
  const writer = canWrite(me?.roles);

  const upload = (file: File) => {
    const body = new FormData();
    body.append('file', file, file.name);
    api<{ imported: number }>('POST', '/api/safety/places/import', body).then(
      (r) => {
        setReport({ ok: true, text: t('safety.imported', { count: r.imported }), rows: [] });
        list.reload();
      },
      (e: unknown) => {
        const rows = e instanceof ApiError ? ((e.details as { rows?: RowProblem[] })?.rows ?? []) : [];
        setReport({
          ok: false,
          text: rows.length
            ? t('safety.importRefused', { count: rows.length })
            : e instanceof Error
              ? e.message
              : String(e),
          rows,
        });
      },
    );
    return false;
  };

  return (
    <Card
      title={t('safety.registry')}
      extra={
        <Space>
          <Segmented
            value={view}
            onChange={(v) => setView(v as 'list' | 'map')}
            options={[
              { value: 'list', label: t('safety.list') },
              { value: 'map', label: t('safety.map') },
            ]}
          />
          <Button href={`/api/safety/places/export.xlsx?${query}`}>{t('safety.exportXlsx')}</Button>
          {writer && (
            <Upload accept=".xlsx" showUploadList={false} beforeUpload={upload}>
              <Button data-testid="registry-import">{t('safety.importXlsx')}</Button>
            </Upload>
          )}
          {writer && (
            <Button type="primary" onClick={() => setCreating(true)} data-testid="place-new">
              {t('safety.newPlace')}
            </Button>
          )}
        </Space>
      }
    >
      <Form layout="inline" onFinish={(v) => setFilter(v)} style={{ marginBottom: 12 }}>
        <Form.Item name="q">
          <Input.Search
            placeholder={t('safety.search')}
            allowClear
            style={{ width: 280 }}
            data-testid="registry-search"
            onSearch={(q) => setFilter((f) => ({ ...f, q }))}
          />
        </Form.Item>
        <Form.Item name="industry">
          <Input
            placeholder={t('safety.industry')}
            allowClear
            onBlur={(e) => setFilter((f) => ({ ...f, industry: e.target.value }))}
          />
        </Form.Item>
        <Form.Item name="riskGrade">
          <Select
            allowClear
            placeholder={t('safety.riskGrade')}
            style={{ width: 140 }}
            onChange={(riskGrade?: string) => setFilter((f) => ({ ...f, riskGrade }))}
            options={RISK_GRADES.map((g) => ({ value: g, label: t(`safety.riskGrades.${g}`) }))}
          />
        </Form.Item>
      </Form>
      {report && (
        <Alert
          type={report.ok ? 'success' : 'error'}
          showIcon
          closable
          onClose={() => setReport(null)}
          style={{ marginBottom: 12 }}
          data-testid="import-report"
          title={report.text}
          description={
            report.rows.length ? (
              <List
                size="small"
                dataSource={report.rows}
                renderItem={(r) => (
                  <List.Item>
                    {t('safety.row', { row: r.row })}: {r.problems.join('; ')}
                  </List.Item>
                )}
              />
            ) : undefined
          }
        />
      )}
      {view === 'map' ? (
        <SafetyMap
          scope={me?.scope ?? ''}
          points={list.rows.map((p) => ({
            id: p.id,
            lon: p.lon,
            lat: p.lat,
            label: `${p.name} · ${t(`safety.riskGrades.${p.riskGrade}`)}`,
            color: GRADE_COLORS[p.riskGrade],
          }))}
        />
      ) : (
        <Table<Place>
          rowKey="id"
          size="middle"
          loading={list.loading}
          dataSource={list.rows}
          data-testid="registry-table"
          columns={[
            { title: t('safety.name'), dataIndex: 'name' },
            {
              title: t('safety.creditCode'),
              dataIndex: 'creditCode',
              render: (c: string | null) => c ?? '—',
            },
            { title: t('safety.industry'), dataIndex: 'industry' },
            {
              title: t('safety.riskGrade'),
              dataIndex: 'riskGrade',
              render: (g: Place['riskGrade']) => (
                <Tag color={GRADE_COLORS[g]}>{t(`safety.riskGrades.${g}`)}</Tag>
              ),
            },
            { title: t('safety.address'), dataIndex: 'address' },
            { title: t('safety.areaCode'), dataIndex: 'areaCode' },
            {
              title: t('safety.lastInspectedOn'),
              dataIndex: 'lastInspectedOn',
              render: (d: string | null) => d ?? '—',
            },
            { title: t('safety.openHazards'), dataIndex: 'openHazards' },
          ]}
        />
      )}
      <PlaceForm
        open={creating}
        onClose={() => setCreating(false)}
        onSaved={(p) => {
          void message.success(p.name);
          setCreating(false);
          list.reload();
        }}
      />
    </Card>
  );
}

function PlaceForm(props: { open: boolean; onClose(): void; onSaved(p: Place): void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm();
  const save = async (v: Record<string, unknown>) => {
    const body = {
      name: v.name,
      creditCode: v.creditCode || null,
      address: v.address ?? '',
      lon: v.lon ?? null,
      lat: v.lat ?? null,
      ...(v.areaCode ? { areaCode: v.areaCode } : {}),
      industry: v.industry,
      riskGrade: v.riskGrade,
      contacts: v.contactName ? [{ name: v.contactName, phone: v.contactPhone ?? '' }] : [],
    };
    try {
      props.onSaved(await post<Place>('/api/safety/places', body));
      form.resetFields();
    } catch (e) {
      void message.error(e instanceof Error ? e.message : String(e));
    }
  };
  return (
    <Modal
      open={props.open}
      title={t('safety.newPlace')}
      onCancel={props.onClose}
      onOk={() => form.submit()}
      okText={t('safety.save')}
      cancelText={t('safety.cancel')}
      destroyOnHidden
    >
      <Form
        form={form}
        layout="vertical"
        onFinish={(v) => void save(v)}
        initialValues={{ riskGrade: 'medium' }}
      >
        <Form.Item name="name" label={t('safety.name')} rules={[{ required: true, min: 2 }]}>
          <Input data-testid="place-name" />
        </Form.Item>
        <Form.Item name="creditCode" label={t('safety.creditCode')}>
          <Input maxLength={18} data-testid="place-code" />
        </Form.Item>
        <Form.Item name="address" label={t('safety.address')}>
          <Input />
        </Form.Item>
        <Space>
          <Form.Item name="lon" label={t('safety.lon')}>
            <InputNumber step={0.0001} style={{ width: 160 }} data-testid="place-lon" />
          </Form.Item>
          <Form.Item name="lat" label={t('safety.lat')}>
            <InputNumber step={0.0001} style={{ width: 160 }} data-testid="place-lat" />
          </Form.Item>
        </Space>
        <Form.Item name="areaCode" label={t('safety.areaCode')}>
          <Input />
        </Form.Item>
        <Form.Item name="industry" label={t('safety.industry')} rules={[{ required: true }]}>
          <Input data-testid="place-industry" />
        </Form.Item>
        <Form.Item name="riskGrade" label={t('safety.riskGrade')} rules={[{ required: true }]}>
          <Select options={RISK_GRADES.map((g) => ({ value: g, label: t(`safety.riskGrades.${g}`) }))} />
        </Form.Item>
        <Space>
          <Form.Item name="contactName" label={t('safety.contactName')}>
            <Input />
          </Form.Item>
          <Form.Item name="contactPhone" label={t('safety.contactPhone')}>
            <Input />
          </Form.Item>
        </Space>
      </Form>
    </Modal>
  );
}
