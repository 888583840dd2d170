/**
 * Routing (分拨建议) for the administrator: per month how often the first suggestion was taken and 退单
 * after a suggestion against none (GET /api/routing/stats), the models with their scores (GET
 * /api/routing/models), and a retrain now (POST /api/routing/retrain).
 */
import { Alert, App, Button, Card, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type ApiAnswer, post } from '../../api/client';
import { formatTime } from '../../app/format';
import { useAction, useList } from '../org/useList';
import './routingStrings';

type Month = ApiAnswer<'get', '/api/routing/stats'>[number];
type Model = ApiAnswer<'get', '/api/routing/models'>[number];

const STATUS_COLOUR: Record<Model['status'], string> = {
  active: 'green',
  rejected: 'red',
  retired: 'default',
};

const percent = (x: number | null) => (x === null ? null : `${(x * 100).toFixed(1)}%`);

export default function RoutingPage() {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const stats = useList<Month>('/api/routing/stats');
  const models = useList<Model>('/api/routing/models');
  const act = useAction();
  const [busy, setBusy] = useState(false);
  const none = t('routing.none');
  const rate = (n: number, of: number) => (of === 0 ? none : `${n}/${of} (${percent(n / of)})`);
  const statusLabel = (s: Model['status']) => t(`routing.status${s[0]?.toUpperCase()}${s.slice(1)}`);
  const retrain = async () => {
    setBusy(true);
    let made: Model | null = null;
    await act(async () => {
      made = await post<Model>('/api/routing/retrain');
    });
    setBusy(false);
    if (made) {
      void message.success(t('routing.retrained', { status: statusLabel((made as Model).status) }));
      models.reload();
      stats.reload();
    }
  };
  return (
    <>
      <Alert type="info" showIcon title={t('routing.explain')} style={{ marginBottom: 12 }} />
      <Card title={t('routing.months')} size="small" style={{ marginBottom: 12 }}>
        <Table<Month>
          data-testid="routing-months"
          rowKey="month"
          size="small"
          loading={stats.loading}
          dataSource={[...stats.rows].reverse()}
          pagination={false}
          columns={[
            { title: t('routing.month'), dataIndex: 'month' },
            { title: t('routing.suggestions'), dataIndex: 'suggestions' },
            { title: t('routing.chosen'), dataIndex: 'chosen' },
            {
              title: t('routing.firstTaken'),
              key: 'firstTaken',
              render: (_: unknown, m: Month) => rate(m.accepted, m.chosen),
            },
            {
              title: `${t('routing.withSuggestion')} · ${t('routing.returned')}`,
              key: 'with',
              render: (_: unknown, m: Month) => rate(m.returnedWithSuggestion, m.casesWithSuggestion),
            },
            {
              title: `${t('routing.withoutSuggestion')} · ${t('routing.returned')}`,
              key: 'without',
              render: (_: unknown, m: Month) => rate(m.returnedWithout, m.casesWithout),
            },
          ]}
        />
      </Card>
      <Card
        title={t('routing.models')}
        size="small"
        extra={
          <Button type="primary" loading={busy} onClick={() => void retrain()} data-testid="routing-retrain">
            {t('routing.retrain')}
          </Button>
        }
      >
        <Table<Model>
          data-testid="routing-models"
          rowKey="id"
          size="small"
          loading={models.loading}
          dataSource={models.rows}
          pagination={{ pageSize: 20, hideOnSinglePage: true }}
          columns={[
            { title: t('routing.id'), dataIndex: 'id' },
            {
              title: t('routing.created'),
              dataIndex: 'createdAt',
              render: (s: string) => formatTime(s, i18n.language),
            },
            {
              title: t('routing.source'),
              dataIndex: 'source',
              render: (s: Model['source']) =>
                s === 'catalogue' ? t('routing.sourceCatalogue') : t('routing.sourceCases'),
            },
            {
              title: t('routing.status'),
              dataIndex: 'status',
              render: (s: Model['status']) => <Tag color={STATUS_COLOUR[s]}>{statusLabel(s)}</Tag>,
            },
            { title: t('routing.trainedOn'), dataIndex: 'trainedOn' },
            { title: t('routing.closedCases'), dataIndex: 'closedCases' },
            { title: t('routing.heldOut'), dataIndex: 'heldOut' },
            { title: t('routing.top1'), dataIndex: 'top1', render: (x: number | null) => percent(x) ?? none },
            {
              title: t('routing.previousTop1'),
              dataIndex: 'previousTop1',
              render: (x: number | null) => percent(x) ?? none,
            },
            {
              title: t('routing.reason'),
              dataIndex: 'reason',
              render: (r: string) => <Typography.Text type="secondary">{r}</Typography.Text>,
            },
          ]}
        />
      </Card>
    </>
  );
}
