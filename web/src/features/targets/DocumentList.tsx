/** The documents under supervision, and importing one by pasting its text or uploading .txt / .docx. */
import { App, Button, Card, Form, Input, InputNumber, Select, Space, Table, Tabs, Tag, Upload } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { api, type PlanReview, type TargetDocument, type TargetDocumentDetail } from '../../api/client';
import { useAuth } from '../../app/auth';
import { formatTime } from '../../app/format';
import { useList } from '../org/useList';

const KINDS = ['work_report', 'five_year_plan', 'people_projects', 'instruction', 'proposal'];

export function DocumentList() {
  const { t } = useTranslation();
  const { me } = useAuth();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const list = useList<TargetDocument>('/api/targets/documents');
  const [form] = Form.useForm<{ title: string; year: number; kind: string; text: string }>();
  const [busy, setBusy] = useState(false);
  const canImport = me?.roles.some((r) => r === 'supervisor' || r === 'admin') ?? false;

  const done = (doc: TargetDocumentDetail) => {
    void message.success(`${doc.title}: ${doc.items}`);
    void navigate(`/targets/${doc.id}`);
  };
  const fail = (e: unknown) => void message.error(e instanceof Error ? e.message : String(e));
  const paste = async (v: { title: string; year: number; kind: string; text: string }) => {
    setBusy(true);
    await api<TargetDocumentDetail>('POST', '/api/targets/documents', v).then(done, fail);
    setBusy(false);
  };
  const upload = (file: File) => {
    const v = form.getFieldsValue();
    const body = new FormData();
    body.append('title', v.title || file.name.replace(/\.[^.]+$/, ''));
    body.append('year', String(v.year));
    body.append('kind', v.kind);
    body.append('file', file, file.name);
    setBusy(true);
    void api<TargetDocumentDetail>('POST', '/api/targets/documents/upload', body)
      .then(done, fail)
      .finally(() => setBusy(false));
    return false;
  };

  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Card title={t('targets.documents')} extra={<Link to="/targets/board">{t('targets.board')}</Link>}>
        <Table<TargetDocument>
          rowKey="id"
          size="middle"
          loading={list.loading}
          dataSource={list.rows}
          columns={[
            {
              title: t('targets.title'),
              dataIndex: 'title',
              render: (s: string, d) => (
                <Space>
                  <Link to={`/targets/${d.id}`}>{s}</Link>
                  {d.kind === 'five_year_plan' && (
                    <Link to={`/targets/plans/${d.id}`} data-testid="plan-review-link">
                      {t('targets.plan.review')}
                    </Link>
                  )}
                </Space>
              ),
            },
            { title: t('targets.kind'), dataIndex: 'kind', render: (k: string) => t(`targets.kinds.${k}`) },
            { title: t('targets.year'), dataIndex: 'year' },
            { title: t('targets.items'), render: (_, d) => `${d.accepted} / ${d.items}` },
            {
              title: '',
              dataIndex: 'closed',
              render: (c: boolean) => (c ? <Tag>{t('targets.closed')}</Tag> : null),
            },
            { title: t('cases.createdAt'), dataIndex: 'createdAt', render: (s: string) => formatTime(s) },
          ]}
        />
      </Card>
      {canImport && (
        <Card title={t('targets.import')}>
          <Form
            form={form}
            layout="vertical"
            initialValues={{ year: new Date().getFullYear(), kind: 'work_report' }}
            onFinish={(v) => void paste(v)}
          >
            <Space wrap>
              <Form.Item name="title" label={t('targets.title')} style={{ width: 360 }}>
                <Input maxLength={200} data-testid="doc-title" />
              </Form.Item>
              <Form.Item name="year" label={t('targets.year')}>
                <InputNumber min={2000} max={2100} />
              </Form.Item>
              <Form.Item name="kind" label={t('targets.kind')}>
                <Select
                  style={{ width: 160 }}
                  options={KINDS.map((k) => ({ value: k, label: t(`targets.kinds.${k}`) }))}
                />
              </Form.Item>
            </Space>
            <Tabs
              items={[
                {
                  key: 'upload',
                  label: t('targets.upload'),
                  children: (
                    <Upload accept=".txt,.docx,text/plain" showUploadList={false} beforeUpload={upload}>
                      <Button loading={busy} data-testid="doc-upload">
                        {t('targets.upload')}
                      </Button>
                    </Upload>
                  ),
                },
                {
                  key: 'paste',
                  label: t('targets.paste'),
                  children: (
                    <>
                      <Form.Item name="text" rules={[{ required: true, message: t('login.required') }]}>
                        <Input.TextArea rows={8} />
                      </Form.Item>
                      <Button type="primary" htmlType="submit" loading={busy}>
                        {t('targets.submit')}
                      </Button>
                    </>
                  ),
                },
              ]}
            />
          </Form>
        </Card>
      )}
      {canImport && <PlanImport />}
    </Space>
  );
}

/** A five-year plan: its indicator table and prose, pasted or uploaded (.txt / .docx with its tables). */
function PlanImport() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const [form] = Form.useForm<{ title: string; text: string }>();
  const [busy, setBusy] = useState(false);
  const done = (r: PlanReview) => {
    void message.success(`${r.document.title}: ${r.indicators.length}`);
    void navigate(`/targets/plans/${r.document.id}`);
  };
  const fail = (e: unknown) => void message.error(e instanceof Error ? e.message : String(e));
  const paste = (v: { title: string; text: string }) => {
    setBusy(true);
    void api<PlanReview>('POST', '/api/targets/plans', v)
      .then(done, fail)
      .finally(() => setBusy(false));
  };
  const upload = (file: File) => {
    const body = new FormData();
    body.append('title', form.getFieldValue('title') || file.name.replace(/\.[^.]+$/, ''));
    body.append('file', file, file.name);
    setBusy(true);
    void api<PlanReview>('POST', '/api/targets/plans/upload', body)
      .then(done, fail)
      .finally(() => setBusy(false));
    return false;
  };
  return (
    <Card title={t('targets.plan.import')} size="small">
      <Form form={form} layout="vertical" onFinish={paste}>
        <Form.Item name="title" label={t('targets.title')} style={{ maxWidth: 360 }}>
          <Input maxLength={200} data-testid="plan-title" />
        </Form.Item>
        <Form.Item
          name="text"
          extra={t('targets.plan.importHint')}
          rules={[{ required: true, message: t('login.required') }]}
        >
          <Input.TextArea rows={6} data-testid="plan-text" />
        </Form.Item>
        <Space>
          <Button type="primary" htmlType="submit" loading={busy} data-testid="plan-submit">
            {t('targets.plan.submit')}
          </Button>
          <Upload accept=".txt,.docx,text/plain" showUploadList={false} beforeUpload={upload}>
            <Button loading={busy}>{t('targets.upload')}</Button>
          </Upload>
        </Space>
      </Form>
    </Card>
  );
}
