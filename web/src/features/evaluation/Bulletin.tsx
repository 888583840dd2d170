/** The monthly bulletin (通报), printable, with its XLSX download: totals, rankings (ties share a rank), overdue cases. */
import { Button, Card, Input, Space, Table, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { type ApiAnswer, get } from '../../api/client';
import { useAuth } from '../../app/auth';
import { casesLink } from './Dashboard';
import './schemeStrings';
import './strings';

type BulletinData = ApiAnswer<'get', '/api/evaluation/bulletin'>;

export default function Bulletin() {
  const { t, i18n } = useTranslation();
  const { me } = useAuth();
  const [params, setParams] = useSearchParams();
  const period = params.get('period') ?? new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 7);
  const district = params.get('district') ?? (me?.scope ?? '').slice(0, 6);
  const [data, setData] = useState<BulletinData | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    setError(null);
    get<BulletinData>(`/api/evaluation/bulletin?district=${district}&period=${period}`)
      .then(setData)
      .catch((e: Error) => setError(e.message));
  }, [district, period]);
  const zh = i18n.language !== 'en';
  const rankings = (group: 'street' | 'department') =>
    (data?.rankings ?? [])
      .filter(
        (r) =>
          r.group === group &&
          (r.key === 'composite' || r.key === 'ontime_closing_rate' || r.key === 'closing_rate'),
      )
      .map((r) => (
        <Card key={`${group}-${r.key}`} size="small" title={zh ? r.zh : r.en}>
          <Table
            size="small"
            pagination={false}
            rowKey="id"
            dataSource={r.rows}
            columns={[
              { title: t('evaluation.rank'), dataIndex: 'rank', width: 70 },
              { title: t('evaluation.name'), dataIndex: 'name' },
              { title: t('evaluation.value'), dataIndex: 'value', align: 'right' },
              { title: t('evaluation.previous'), dataIndex: 'previous', align: 'right' },
              { title: t('evaluation.change'), dataIndex: 'change', align: 'right' },
            ]}
          />
        </Card>
      ));
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }} data-testid="bulletin">
      <Space className="no-print">
        <Input
          aria-label={t('evaluation.period')}
          value={period}
          onChange={(e) => setParams({ period: e.target.value, district })}
          style={{ width: 120 }}
        />
        <Button href={`/api/evaluation/bulletin.xlsx?district=${district}&period=${period}`}>
          {t('evaluation.downloadXlsx')}
        </Button>
        <Button onClick={() => window.print()}>{t('evaluation.print')}</Button>
        <Link to={`/dashboard/scheme?district=${district}&period=${period}`}>
          {t('evaluationScheme.title')}
        </Link>
      </Space>
      {error && <Typography.Text type="danger">{error}</Typography.Text>}
      {data && (
        <>
          <Typography.Title level={3}>
            {data.districtName} {data.period.label} {t('evaluation.bulletin')}
          </Typography.Title>
          <Card size="small" title={t('evaluation.totals')}>
            <Table
              size="small"
              pagination={false}
              rowKey="key"
              dataSource={data.totals}
              columns={[
                { title: t('evaluation.indicator'), render: (_, r) => (zh ? r.zh : r.en) },
                {
                  title: t('evaluation.current'),
                  align: 'right',
                  render: (_, r) => (
                    <Link to={casesLink(r.denominator === null ? r.caseIds : r.denominatorIds)}>
                      {r.denominator === null
                        ? r.numerator
                        : `${r.rate ?? '—'}% (${r.numerator}/${r.denominator})`}
                    </Link>
                  ),
                },
                { title: t('evaluation.previous'), dataIndex: 'previous', align: 'right' },
                { title: t('evaluation.change'), dataIndex: 'change', align: 'right' },
              ]}
            />
          </Card>
          <Typography.Title level={4}>{t('evaluation.streets')}</Typography.Title>
          {rankings('street')}
          <Typography.Title level={4}>{t('evaluation.departments')}</Typography.Title>
          {rankings('department')}
          <Card size="small" title={t('evaluation.worstOverdue')}>
            <Table
              size="small"
              pagination={false}
              rowKey={(r) => `${r.group}-${r.id}-${r.number}`}
              dataSource={data.worstOverdue.flatMap((u) =>
                u.cases.map((c) => ({ ...c, group: u.group, unit: u.name, id: u.id, caseId: c.id })),
              )}
              columns={[
                { title: t('evaluation.name'), dataIndex: 'unit' },
                { title: '#', render: (_, r) => <Link to={`/cases/${r.caseId}`}>{r.number}</Link> },
                { title: '', dataIndex: 'title' },
                { title: 'h', dataIndex: 'overdueHours', align: 'right' },
              ]}
            />
          </Card>
        </>
      )}
    </Space>
  );
}
