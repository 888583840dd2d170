/** 一公开 on the portal: drawn plans, each with its seed, algorithm, strata, targets, inspectors and results. */
import { Alert, Card, Descriptions, List, Space, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { type ApiAnswer, client, ok } from '../../api/client';
import { formatTime } from '../../app/format';
import './strings';

type Summary = ApiAnswer<'get', '/api/public/safety/plans'>[number];
type PublicPlan = ApiAnswer<'get', '/api/public/safety/plans/{id}'>;

export function PublicPlanList() {
  const { t, i18n } = useTranslation();
  const [plans, setPlans] = useState<Summary[] | null>(null);
  useEffect(() => void ok(client.GET('/api/public/safety/plans')).then(setPlans, () => setPlans([])), []);
  return (
    <Card title={t('safety.publicTitle')}>
      <Typography.Paragraph type="secondary">{t('safety.publicIntro')}</Typography.Paragraph>
      <List
        loading={plans === null}
        dataSource={plans ?? []}
        locale={{ emptyText: t('safety.publicNone') }}
        renderItem={(p) => (
          <List.Item>
            <List.Item.Meta
              title={<Link to={`/portal/safety/${p.id}`}>{p.title}</Link>}
              description={`${t('safety.drawnAt')} ${formatTime(p.drawnAt, i18n.language)} · ${t('safety.targetCount')} ${p.targetCount}`}
            />
          </List.Item>
        )}
      />
    </Card>
  );
}

export function PublicPlanPage() {
  const { id = '' } = useParams();
  const { t, i18n } = useTranslation();
  const [plan, setPlan] = useState<PublicPlan | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(
    () =>
      void ok(client.GET('/api/public/safety/plans/{id}', { params: { path: { id } } })).then(
        setPlan,
        (e: Error) => setError(e.message),
      ),
    [id],
  );
  if (error) return <Alert type="error" title={error} showIcon />;
  if (!plan) return null;
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Link to="/portal/safety">{t('safety.publicTitle')}</Link>
      <Card title={plan.title}>
        <Descriptions column={1} size="small">
          <Descriptions.Item label={t('safety.seed')}>
            <Typography.Text code copyable data-testid="public-seed">
              {plan.seed}
            </Typography.Text>
          </Descriptions.Item>
          <Descriptions.Item label={t('safety.algorithm')}>
            <code>{plan.algorithm}</code>
          </Descriptions.Item>
          <Descriptions.Item label={t('safety.drawnAt')}>
            {formatTime(plan.drawnAt, i18n.language)}
          </Descriptions.Item>
          <Descriptions.Item label={t('safety.area')}>{plan.filters.areaCode}</Descriptions.Item>
          <Descriptions.Item label={t('safety.pool')}>{plan.pool?.length ?? 0}</Descriptions.Item>
          <Descriptions.Item label={t('safety.strata')}>
            <Space wrap>
              {(plan.strata ?? []).map((s) => (
                <Tag key={s.grade}>
                  {t('safety.stratum', {
                    grade: t(`safety.riskGrades.${s.grade}`),
                    size: s.size,
                    drawn: s.drawn,
                  })}
                </Tag>
              ))}
            </Space>
          </Descriptions.Item>
          <Descriptions.Item label={t('safety.roster')}>
            {plan.roster.map((r) => t('safety.person', { name: r.name, unit: r.unit })).join(t('safety.sep'))}
          </Descriptions.Item>
        </Descriptions>
      </Card>
      <List
        data-testid="public-targets"
        dataSource={plan.targets}
        renderItem={(x) => (
          <List.Item>
            <List.Item.Meta
              title={`${x.position}. ${x.placeName}`}
              description={
                <Space direction="vertical" size={2}>
                  <span>
                    {x.industry} · {t(`safety.riskGrades.${x.stratum}`)}
                    {x.creditCode ? ` · ${x.creditCode}` : ''}
                  </span>
                  <span>
                    {x.inspectors
                      .map((i) => t('safety.person', { name: i.name, unit: i.unit }))
                      .join(t('safety.sep'))}
                  </span>
                  <span data-testid="public-result">
                    {x.result ? (
                      <Tag color={x.result === 'hazards_found' ? 'red' : 'green'}>
                        {t(`safety.results.${x.result}`)}
                      </Tag>
                    ) : (
                      <Tag>{t('safety.pending')}</Tag>
                    )}
                    {x.inspectedOn ?? ''}
                  </span>
                </Space>
              }
            />
          </List.Item>
        )}
      />
    </Space>
  );
}
