/**
 * The assessment-scheme editor (考核方案): a district's rules (rate × points, threshold with a deduction per
 * point below, per-case amounts), whom each applies to, and the colour grades; saved from a month on (one
 * scheme in force per month). The server validates: a malformed weight answers 400 naming the field.
 */
import { Alert, Button, Card, Input, InputNumber, Select, Space, Table, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { type ApiAnswer, api, get } from '../../api/client';
import { useAuth } from '../../app/auth';
import './schemeStrings';

type SchemeData = ApiAnswer<'get', '/api/evaluation/scheme'>;
type Scheme = SchemeData['scheme'];
type Rule = Scheme['rules'][number];
type Group = Rule['appliesTo'][number];

const INDICATORS = [
  'filing_rate',
  'closing_rate',
  'ontime_closing_rate',
  'rework_rate',
  'return_rate',
  'ontime_sign_rate',
  'ontime_dispatch_rate',
  'ontime_check_rate',
  'hotline_response_rate',
  'hotline_solve_rate',
  'hotline_satisfaction_rate',
  'petition_ontime_accept_rate',
  'petition_ontime_close_rate',
  'proposal_reply_rate',
  'proposal_satisfaction_rate',
  'whistle_report_rate',
  'whistle_ontime_report_rate',
] as const;
const FACTS = ['rework', 'rework_3', 'return', 'overdue'] as const;
const GROUPS: Group[] = ['street', 'department', 'person'];

export default function SchemeEditor() {
  const { t } = useTranslation();
  const { me } = useAuth();
  const [params, setParams] = useSearchParams();
  const period = params.get('period') ?? new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 7);
  const district = params.get('district') ?? (me?.scope ?? '').slice(0, 6);
  const [data, setData] = useState<SchemeData | null>(null);
  const [scheme, setScheme] = useState<Scheme | null>(null);
  const [message, setMessage] = useState<{ type: 'success' | 'error'; text: string } | null>(null);
  useEffect(() => {
    setMessage(null);
    get<SchemeData>(`/api/evaluation/scheme?district=${district}&period=${period}`)
      .then((d) => {
        setData(d);
        setScheme(d.scheme);
      })
      .catch((e: Error) => setMessage({ type: 'error', text: e.message }));
  }, [district, period]);
  const setRule = (i: number, patch: Partial<Rule>) =>
    setScheme((s) =>
      s ? { ...s, rules: s.rules.map((r, j) => (j === i ? ({ ...r, ...patch } as Rule) : r)) } : s,
    );
  const save = () => {
    if (!scheme) return;
    setMessage(null);
    api<SchemeData>('PUT', '/api/evaluation/scheme', { district, period, scheme })
      .then((d) => {
        setData(d);
        setMessage({ type: 'success', text: t('evaluationScheme.saved') });
      })
      .catch((e: Error) => setMessage({ type: 'error', text: e.message }));
  };
  const num = (v: number | null) => (v === null ? 0 : v);
  const full = (scheme?.rules ?? []).reduce((s, r) => s + (r.kind === 'per_case' ? 0 : r.points), 0);
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }} data-testid="scheme-editor">
      <Typography.Title level={3}>{t('evaluationScheme.title')}</Typography.Title>
      <Space wrap>
        <Input
          aria-label={t('evaluationScheme.district')}
          addonBefore={t('evaluationScheme.district')}
          value={district}
          onChange={(e) => setParams({ district: e.target.value, period })}
          style={{ width: 200 }}
        />
        <Input
          aria-label={t('evaluationScheme.month')}
          addonBefore={t('evaluationScheme.month')}
          value={period}
          onChange={(e) => setParams({ district, period: e.target.value })}
          style={{ width: 220 }}
        />
        {data && (
          <Typography.Text type="secondary">
            {t('evaluationScheme.source')}:{' '}
            {data.source === 'stored'
              ? `${t('evaluationScheme.stored')} (${data.period})`
              : t('evaluationScheme.builtIn')}
          </Typography.Text>
        )}
      </Space>
      {message && <Alert type={message.type} message={message.text} showIcon />}
      {scheme && (
        <>
          <Input
            aria-label={t('evaluationScheme.name')}
            addonBefore={t('evaluationScheme.name')}
            value={scheme.name}
            onChange={(e) => setScheme({ ...scheme, name: e.target.value })}
          />
          <Table
            size="small"
            pagination={false}
            rowKey="id"
            dataSource={scheme.rules}
            footer={() => `${t('evaluationScheme.total')}: ${full}`}
            columns={[
              {
                title: t('evaluationScheme.rule'),
                render: (_: unknown, r: Rule, i) => (
                  <Input
                    aria-label={`${t('evaluationScheme.rule')} ${i + 1}`}
                    value={r.label}
                    onChange={(e) => setRule(i, { label: e.target.value })}
                  />
                ),
              },
              {
                title: t('evaluationScheme.kind'),
                render: (_: unknown, r: Rule) => t(`evaluationScheme.kinds.${r.kind}`),
              },
              {
                title: t('evaluationScheme.indicator'),
                render: (_: unknown, r: Rule, i) =>
                  r.kind === 'per_case' ? (
                    <Select
                      aria-label={`${t('evaluationScheme.indicator')} ${i + 1}`}
                      value={r.fact}
                      options={FACTS.map((f) => ({ value: f, label: f }))}
                      onChange={(fact) => setRule(i, { fact } as Partial<Rule>)}
                      style={{ width: 160 }}
                    />
                  ) : (
                    <Select
                      aria-label={`${t('evaluationScheme.indicator')} ${i + 1}`}
                      value={r.indicator}
                      options={INDICATORS.map((k) => ({ value: k, label: k }))}
                      onChange={(indicator) => setRule(i, { indicator } as Partial<Rule>)}
                      style={{ width: 220 }}
                    />
                  ),
              },
              {
                title: t('evaluationScheme.appliesTo'),
                render: (_: unknown, r: Rule, i) => (
                  <Select
                    mode="multiple"
                    aria-label={`${t('evaluationScheme.appliesTo')} ${i + 1}`}
                    value={r.appliesTo}
                    options={GROUPS.map((g) => ({ value: g, label: t(`evaluationScheme.groups.${g}`) }))}
                    onChange={(appliesTo: Group[]) => setRule(i, { appliesTo })}
                    style={{ minWidth: 180 }}
                  />
                ),
              },
              {
                title: `${t('evaluationScheme.points')} / ${t('evaluationScheme.amount')}`,
                render: (_: unknown, r: Rule, i) =>
                  r.kind === 'per_case' ? (
                    <InputNumber
                      aria-label={`${t('evaluationScheme.amount')} ${i + 1}`}
                      value={r.amount}
                      step={0.1}
                      onChange={(v) => setRule(i, { amount: num(v) } as Partial<Rule>)}
                    />
                  ) : (
                    <InputNumber
                      aria-label={`${t('evaluationScheme.points')} ${i + 1}`}
                      value={r.points}
                      onChange={(v) => setRule(i, { points: num(v) } as Partial<Rule>)}
                    />
                  ),
              },
              {
                title: `${t('evaluationScheme.threshold')} / ${t('evaluationScheme.deductPerPoint')}`,
                render: (_: unknown, r: Rule, i) =>
                  r.kind === 'threshold' ? (
                    <Space>
                      <InputNumber
                        aria-label={`${t('evaluationScheme.threshold')} ${i + 1}`}
                        value={r.threshold}
                        onChange={(v) => setRule(i, { threshold: num(v) } as Partial<Rule>)}
                      />
                      <InputNumber
                        aria-label={`${t('evaluationScheme.deductPerPoint')} ${i + 1}`}
                        value={r.deductPerPoint}
                        onChange={(v) => setRule(i, { deductPerPoint: num(v) } as Partial<Rule>)}
                      />
                    </Space>
                  ) : null,
              },
              {
                title: '',
                render: (_: unknown, _r: Rule, i) => (
                  <Button
                    danger
                    size="small"
                    onClick={() => setScheme({ ...scheme, rules: scheme.rules.filter((_x, j) => j !== i) })}
                  >
                    {t('evaluationScheme.remove')}
                  </Button>
                ),
              },
            ]}
          />
          <Card size="small" title={t('evaluationScheme.grades')}>
            <Space wrap>
              {scheme.grades.map((g, i) => (
                <Space key={`${g.label}-${g.colour}`}>
                  <Input
                    aria-label={`${t('evaluationScheme.grades')} ${i + 1}`}
                    value={g.label}
                    style={{ width: 90 }}
                    onChange={(e) =>
                      setScheme({
                        ...scheme,
                        grades: scheme.grades.map((x, j) => (j === i ? { ...x, label: e.target.value } : x)),
                      })
                    }
                  />
                  <InputNumber
                    aria-label={`${t('evaluationScheme.min')} ${i + 1}`}
                    value={g.min}
                    onChange={(v) =>
                      setScheme({
                        ...scheme,
                        grades: scheme.grades.map((x, j) => (j === i ? { ...x, min: num(v) } : x)),
                      })
                    }
                  />
                </Space>
              ))}
            </Space>
          </Card>
          <Button type="primary" onClick={save}>
            {t('evaluationScheme.save')}
          </Button>
        </>
      )}
    </Space>
  );
}
