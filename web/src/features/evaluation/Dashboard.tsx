/** The leader's home page (领导首页): today, the 三率 and composite this month vs last, overdue, worst units, whistles. */
import { Card, Col, Row, Space, Statistic, Table, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { type ApiAnswer, get } from '../../api/client';
import './strings';

type DashboardData = ApiAnswer<'get', '/api/evaluation/dashboard'>;

/** A link to the case list showing exactly these cases (the list takes at most 300 ids). */
export function casesLink(ids: readonly string[]): string {
  return ids.length ? `/cases?queue=&ids=${ids.slice(0, 300).join(',')}` : '/cases';
}

const pct = (x: number | null | undefined) => (x === null || x === undefined ? '—' : `${x.toFixed(2)}%`);
const signed = (x: number | null | undefined) =>
  x === null || x === undefined ? '—' : `${x > 0 ? '+' : ''}${x.toFixed(2)}`;

export default function Dashboard() {
  const { t, i18n } = useTranslation();
  const [data, setData] = useState<DashboardData | null>(null);
  useEffect(() => {
    void get<DashboardData>('/api/evaluation/dashboard').then(setData);
  }, []);
  if (!data) return <Card loading />;
  const zh = i18n.language !== 'en';
  const unitTable = (rows: DashboardData['worstStreets'], testid: string) => (
    <Table
      data-testid={testid}
      size="small"
      pagination={false}
      rowKey="id"
      dataSource={rows}
      columns={[
        { title: t('evaluation.name'), dataIndex: 'name' },
        { title: t('evaluation.score'), dataIndex: 'score', align: 'right' },
      ]}
    />
  );
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }} data-testid="dashboard">
      <Typography.Title level={3} style={{ margin: 0 }}>
        {t('evaluation.dashboard')} · {data.month.label}
      </Typography.Title>
      <Row gutter={[16, 16]}>
        <Col xs={12} md={6}>
          <Card>
            <Link to={casesLink(data.today.intakeIds)}>
              <Statistic title={t('evaluation.todayIntake')} value={data.today.intake} />
            </Link>
          </Card>
        </Col>
        <Col xs={12} md={6}>
          <Card>
            <Link to={casesLink(data.today.closedIds)}>
              <Statistic title={t('evaluation.todayClosed')} value={data.today.closed} />
            </Link>
          </Card>
        </Col>
        <Col xs={12} md={6}>
          <Card>
            <Link to={casesLink(data.overdue.caseIds)} data-testid="overdue-link">
              <Statistic
                title={t('evaluation.overdue')}
                value={data.overdue.count}
                valueStyle={{ color: '#cf1322' }}
              />
            </Link>
          </Card>
        </Col>
        <Col xs={12} md={6}>
          <Card>
            <Link to={casesLink(data.nearlyOverdue.caseIds)}>
              <Statistic
                title={t('evaluation.nearlyOverdue')}
                value={data.nearlyOverdue.count}
                valueStyle={{ color: '#d48806' }}
              />
            </Link>
          </Card>
        </Col>
      </Row>
      <Row gutter={[16, 16]}>
        <Col xs={24} md={16}>
          <Card
            title={t('evaluation.threeRates')}
            extra={<Typography.Text type="secondary">{t('evaluation.noChart')}</Typography.Text>}
          >
            <Table
              data-testid="three-rates"
              size="small"
              pagination={false}
              rowKey="key"
              dataSource={data.threeRates}
              columns={[
                { title: t('evaluation.indicator'), render: (_, r) => (zh ? r.zh : r.en) },
                {
                  title: t('evaluation.current'),
                  align: 'right',
                  render: (_, r) => (
                    <Link to={casesLink(r.denominatorIds)}>
                      {pct(r.rate)} ({r.numerator}/{r.denominator ?? 0})
                    </Link>
                  ),
                },
                { title: t('evaluation.previous'), align: 'right', render: (_, r) => pct(r.previous) },
                { title: t('evaluation.change'), align: 'right', render: (_, r) => signed(r.change) },
              ]}
            />
          </Card>
        </Col>
        <Col xs={24} md={8}>
          <Card title={t('evaluation.composite')}>
            <Statistic value={data.composite.current ?? '—'} suffix={`/ ${data.composite.previous ?? '—'}`} />
            <Link to={`bulletin?period=${data.month.label}`}>{t('evaluation.bulletin')}</Link>
          </Card>
        </Col>
      </Row>
      <Row gutter={[16, 16]}>
        <Col xs={24} md={8}>
          <Card title={t('evaluation.worstStreets')}>{unitTable(data.worstStreets, 'worst-streets')}</Card>
        </Col>
        <Col xs={24} md={8}>
          <Card title={t('evaluation.worstDepartments')}>
            {unitTable(data.worstDepartments, 'worst-departments')}
          </Card>
        </Col>
        <Col xs={24} md={8}>
          <Card title={t('evaluation.openWhistles')}>
            <Link to={casesLink(data.openWhistles.caseIds)}>
              <Statistic value={data.openWhistles.count} />
            </Link>
            <Typography.Text type="secondary">
              {t('evaluation.unreported')}: {data.openWhistles.unreported}
            </Typography.Text>
          </Card>
        </Col>
      </Row>
    </Space>
  );
}
