/**
 * 中期评估: a five-year plan's indicators against the straight path from base to target in a review
 * year, each year's actual with its source, recording an actual (supervisors) and the XLSX export.
 */
import { Button, Card, Form, Input, InputNumber, Modal, Select, Space, Table, Tag, Typography } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { api, get, type PlanIndicator, type PlanReview as Review } from '../../api/client';
import { useAuth } from '../../app/auth';
import { useAction } from '../org/useList';
import { PATH_COLORS } from './strings';

const SOURCES = ['statistical_bulletin', 'department'] as const;

export function PlanReview() {
  const { id } = useParams();
  const { t } = useTranslation();
  const { me } = useAuth();
  const run = useAction();
  const [year, setYear] = useState<number>(new Date().getFullYear());
  const [review, setReview] = useState<Review | null>(null);
  const [recording, setRecording] = useState<PlanIndicator | null>(null);
  const load = useCallback(() => {
    void get<Review>(`/api/targets/plans/${id}/review?year=${year}`).then(setReview);
  }, [id, year]);
  useEffect(load, [load]);
  const canEdit = me?.roles.some((r) => r === 'supervisor' || r === 'admin') ?? false;
  if (!review) return null;
  const years = [...new Set(review.indicators.flatMap((i) => i.actuals.map((a) => a.year)))].sort();
  const first = review.indicators[0];
  const planYears = first
    ? Array.from({ length: first.targetYear - first.baseYear }, (_, i) => first.baseYear + 1 + i)
    : [];
  const number = (v: number | null | undefined) => (v === null || v === undefined ? '—' : String(v));

  return (
    <Card
      title={
        <Space>
          {review.document.title}
          <Tag>{t('targets.plan.review')}</Tag>
        </Space>
      }
      extra={
        <Space>
          <span>{t('targets.plan.reviewYear')}</span>
          <Select
            data-testid="review-year"
            style={{ width: 100 }}
            value={year}
            onChange={setYear}
            options={[...new Set([...planYears, new Date().getFullYear()])].map((y) => ({
              value: y,
              label: y,
            }))}
          />
          <Button href={`/api/targets/plans/${review.document.id}/review.xlsx?year=${year}`}>
            {t('targets.plan.exportXlsx')}
          </Button>
          <Link to={`/targets/${review.document.id}`}>
            {t('targets.plan.proseTargets')} ({review.proseTargets})
          </Link>
        </Space>
      }
    >
      <Table<PlanIndicator>
        rowKey="id"
        size="small"
        pagination={false}
        dataSource={review.indicators}
        columns={[
          { title: t('targets.plan.position'), dataIndex: 'position', width: 60 },
          { title: t('targets.indicator'), dataIndex: 'name' },
          { title: t('targets.unit'), dataIndex: 'unit' },
          {
            title: t('targets.kind'),
            dataIndex: 'binding',
            render: (b: boolean) => (
              <Tag color={b ? 'volcano' : 'default'}>
                {b ? t('targets.plan.binding') : t('targets.plan.expected')}
              </Tag>
            ),
          },
          {
            title: `${t('targets.plan.base')} (${first?.baseYear ?? ''})`,
            render: (_, i) => number(i.baseValue),
          },
          { title: `${t('targets.plan.target')} (${first?.targetYear ?? ''})`, dataIndex: 'targetValue' },
          ...years.map((y) => ({
            title: String(y),
            render: (_: unknown, i: PlanIndicator) => {
              const a = i.actuals.find((x) => x.year === y);
              return a ? (
                <span title={`${t(`targets.plan.sources.${a.source}`)} ${a.sourceNote}`}>{a.value}</span>
              ) : (
                '—'
              );
            },
          })),
          { title: t('targets.plan.onPath'), render: (_, i) => number(i.latest?.expected) },
          { title: t('targets.plan.gap'), render: (_, i) => number(i.latest?.gap) },
          {
            title: '',
            render: (_, i) =>
              i.latest ? (
                <Tag color={PATH_COLORS[i.latest.status]} data-testid="path-status">
                  {t(`targets.plan.status.${i.latest.status}`)} ({i.latest.year})
                </Tag>
              ) : (
                <Typography.Text type="secondary">{t('targets.plan.status.none')}</Typography.Text>
              ),
          },
          ...(canEdit
            ? [
                {
                  title: '',
                  render: (_: unknown, i: PlanIndicator) => (
                    <Button size="small" onClick={() => setRecording(i)} data-testid="record-actual">
                      {t('targets.plan.record')}
                    </Button>
                  ),
                },
              ]
            : []),
        ]}
      />
      {recording && (
        <RecordActual
          indicator={recording}
          years={planYears.filter((y) => y < new Date().getFullYear())}
          onClose={() => setRecording(null)}
          onSave={(v) =>
            void run(() =>
              api('PUT', `/api/targets/plan-indicators/${recording.id}/actuals/${v.year}`, {
                value: v.value,
                source: v.source,
                sourceNote: v.sourceNote ?? '',
              }),
            ).then((ok) => {
              if (ok) {
                setRecording(null);
                load();
              }
            })
          }
        />
      )}
    </Card>
  );
}

interface ActualForm {
  year: number;
  value: number;
  source: (typeof SOURCES)[number];
  sourceNote?: string;
}

function RecordActual(props: {
  indicator: PlanIndicator;
  years: number[];
  onClose(): void;
  onSave(v: ActualForm): void;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<ActualForm>();
  return (
    <Modal
      open
      title={`${props.indicator.name} (${props.indicator.unit})`}
      onCancel={props.onClose}
      onOk={() => form.submit()}
      okText={t('common.save')}
    >
      <Form
        form={form}
        layout="vertical"
        initialValues={{ year: props.years.at(-1), source: 'statistical_bulletin' }}
        onFinish={props.onSave}
      >
        <Space wrap>
          <Form.Item name="year" label={t('targets.year')} rules={[{ required: true }]}>
            <Select
              data-testid="actual-year"
              style={{ width: 100 }}
              options={props.years.map((y) => ({ value: y, label: y }))}
            />
          </Form.Item>
          <Form.Item name="value" label={t('targets.value')} rules={[{ required: true }]}>
            <InputNumber data-testid="actual-value" />
          </Form.Item>
          <Form.Item name="source" label={t('targets.plan.source')} rules={[{ required: true }]}>
            <Select
              style={{ width: 160 }}
              options={SOURCES.map((s) => ({ value: s, label: t(`targets.plan.sources.${s}`) }))}
            />
          </Form.Item>
        </Space>
        <Form.Item name="sourceNote" label={t('targets.plan.sourceNote')}>
          <Input maxLength={500} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
