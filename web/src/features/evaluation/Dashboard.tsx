/** The leader's home page (领导首页): today, the 三率 and composite this month vs last, overdue, worst units, whistles. */
import { Button, Card, Col, Row, Space, Statistic, Table, Typography } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { type ApiAnswer, get } from '../../api/client';
import { Chart, type ChartOption } from './Chart';
import './strings';

type DashboardData = ApiAnswer<'get', '/api/evaluation/dashboard'>;
type ScreenData = ApiAnswer<'get', '/api/evaluation/screen'>;

const CURRENT = '#1677ff';
const PREVIOUS = '#8c8c8c';

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
  const [trend, setTrend] = useState<ScreenData['daily'] | null>(null);
  const [tables, setTables] = useState(false);
  useEffect(() => {
    void get<DashboardData>('/api/evaluation/dashboard').then(setData);
    // The 30-day trend is the big screen's (the same roles read both).
    get<ScreenData>('/api/evaluation/screen')
      .then((s) => setTrend(s.daily))
      .catch(() => setTrend([]));
  }, []);
  const zh = i18n.language !== 'en';
  const names = { current: t('evaluation.current'), previous: t('evaluation.previous') };
  const rateOption = useMemo<ChartOption | null>(
    () =>
      data && {
        animation: false,
        grid: { left: 48, right: 16, top: 32, bottom: 28 },
        legend: { top: 0 },
        tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
        xAxis: { type: 'category', data: data.threeRates.map((r) => (zh ? r.zh : r.en)) },
        yAxis: { type: 'value', min: 0, max: 100, axisLabel: { formatter: '{value}%' } },
        series: [
          { name: names.current, type: 'bar', color: CURRENT, data: data.threeRates.map((r) => r.rate) },
          {
            name: names.previous,
            type: 'bar',
            color: PREVIOUS,
            data: data.threeRates.map((r) => r.previous),
          },
        ],
      },
    [data, zh, names.current, names.previous],
  );
  const compositeOption = useMemo<ChartOption | null>(
    () =>
      data && {
        animation: false,
        grid: { left: 40, right: 16, top: 16, bottom: 28 },
        tooltip: { trigger: 'axis' },
        xAxis: { type: 'category', data: [names.previous, names.current] },
        yAxis: { type: 'value', min: 0, max: 100 },
        series: [
          {
            type: 'bar',
            barWidth: '40%',
            data: [
              { value: data.composite.previous, itemStyle: { color: PREVIOUS } },
              { value: data.composite.current, itemStyle: { color: CURRENT } },
            ],
            label: { show: true, position: 'top' },
          },
        ],
      },
    [data, names.current, names.previous],
  );
  const trendOption = useMemo<ChartOption | null>(
    () =>
      trend && {
        animation: false,
        grid: { left: 40, right: 16, top: 32, bottom: 28 },
        legend: { top: 0 },
        tooltip: { trigger: 'axis' },
        xAxis: { type: 'category', data: trend.map((d) => d.bucket.slice(5)) },
        yAxis: { type: 'value', minInterval: 1 },
        series: [
          {
            name: t('evaluation.received'),
            type: 'line',
            color: CURRENT,
            data: trend.map((d) => d.received),
          },
          { name: t('evaluation.closed'), type: 'line', color: '#52c41a', data: trend.map((d) => d.closed) },
        ],
      },
    [trend, t],
  );
  if (!data || !rateOption || !compositeOption) return <Card loading />;
  // A street's or department's name opens its cases in the list (streets by area, departments by unit).
  const unitTable = (rows: DashboardData['worstStreets'], testid: string, by: 'area' | 'unit') => (
    <Table
      data-testid={testid}
      size="small"
      pagination={false}
      rowKey="id"
      dataSource={rows}
      columns={[
        {
          title: t('evaluation.name'),
          dataIndex: 'name',
          render: (name: string, r) => <Link to={`/cases?queue=&${by}=${r.id}`}>{name}</Link>,
        },
        { title: t('evaluation.score'), dataIndex: 'score', align: 'right' },
      ]}
    />
  );
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }} data-testid="dashboard">
      <Typography.Title level={3} style={{ margin: 0 }}>
        {t('evaluation.dashboard')} · {data.month.label}
      </Typography.Title>
      <Typography.Text type="secondary" data-testid="month-through">
        {t('evaluation.throughDay', {
          day: new Date(Date.parse(data.month.asOf) + 8 * 3_600_000 - 1).toISOString().slice(0, 10),
        })}
      </Typography.Text>
      <Row gutter={[16, 16]}>
        <Col xs={12} md={6}>
          <Card>
            <Link to={casesLink(data.today.intakeIds)} data-testid="today-intake">
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
            <Link to="/cases?queue=&overdue=1" data-testid="overdue-link">
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
            extra={
              <Button size="small" onClick={() => setTables((x) => !x)} data-testid="toggle-tables">
                {tables ? t('evaluation.showCharts') : t('evaluation.showTables')}
              </Button>
            }
          >
            <Chart
              testId="chart-three-rates"
              label={t('evaluation.threeRates')}
              option={rateOption}
              height={220}
              showTable={tables}
              table={{
                columns: [t('evaluation.indicator'), names.current, names.previous],
                rows: data.threeRates.map((r) => [zh ? r.zh : r.en, pct(r.rate), pct(r.previous)]),
              }}
            />
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
            <Chart
              testId="chart-composite"
              label={t('evaluation.composite')}
              option={compositeOption}
              height={180}
              showTable={tables}
              table={{
                columns: [t('evaluation.period'), t('evaluation.score')],
                rows: [
                  [names.current, data.composite.current ?? '—'],
                  [names.previous, data.composite.previous ?? '—'],
                ],
              }}
            />
            <Link to={`bulletin?period=${data.month.label}`} data-testid="composite-link">
              <Statistic
                value={data.composite.current ?? '—'}
                suffix={`/ ${data.composite.previous ?? '—'}`}
              />
              {t('evaluation.bulletin')}
            </Link>
          </Card>
        </Col>
      </Row>
      {trendOption && trend && trend.length > 0 && (
        <Card title={t('evaluation.trend')} extra={<Link to="/screen">{t('evaluation.openScreen')}</Link>}>
          <Chart
            testId="chart-trend"
            label={t('evaluation.trend')}
            option={trendOption}
            height={220}
            showTable={tables}
            table={{
              columns: [t('evaluation.day'), t('evaluation.received'), t('evaluation.closed')],
              rows: trend.map((d) => [d.bucket, d.received, d.closed]),
            }}
          />
        </Card>
      )}
      <Row gutter={[16, 16]}>
        <Col xs={24} md={8}>
          <Card title={t('evaluation.worstStreets')}>
            {unitTable(data.worstStreets, 'worst-streets', 'area')}
          </Card>
        </Col>
        <Col xs={24} md={8}>
          <Card title={t('evaluation.worstDepartments')}>
            {unitTable(data.worstDepartments, 'worst-departments', 'unit')}
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
