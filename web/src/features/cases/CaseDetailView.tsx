/** One case: where, what, the clock, photos, the timeline, and exactly the actions this user may take now. */
import {
  Alert,
  Button,
  Card,
  Col,
  Descriptions,
  Image,
  Row,
  Space,
  Spin,
  Tag,
  Timeline,
  Typography,
} from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { type CaseDetail, get, type MapSettings } from '../../api/client';
import { useAuth } from '../../app/auth';
import { formatTime } from '../../app/format';
import { AreaMap } from '../places/AreaMap';
import { ToHazardLink } from '../safety/ToHazardLink';
import { ActionButtons } from './ActionDialog';
import { AssignButtons } from './AssignDialog';
import { DEADLINE_COLORS } from './strings';

export function CaseDetailView() {
  const { id } = useParams();
  const { t } = useTranslation();
  const { me } = useAuth();
  const [c, setC] = useState<CaseDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [settings, setSettings] = useState<MapSettings | null>(null);

  const load = useCallback(() => {
    get<CaseDetail>(`/api/cases/${id}`).then(setC, (e: Error) => setError(e.message));
  }, [id]);
  useEffect(load, [load]);
  useEffect(() => {
    void get<MapSettings>('/api/settings/map').then(setSettings);
  }, []);

  if (error) return <Alert type="error" title={error} showIcon />;
  if (!c || !me) return <Spin />;
  const photos = c.events.flatMap((e) => e.evidence);
  const point: [number, number] | null = c.lon !== null && c.lat !== null ? [c.lon, c.lat] : null;

  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Card
        title={
          <Space>
            <span data-testid="case-number">{c.number}</span>
            <Tag color="blue" data-testid="case-state">
              {t(`cases.states.${c.state}`)}
            </Tag>
            {c.deadline !== 'none' && (
              <Tag color={DEADLINE_COLORS[c.deadline]}>{t(`cases.levels.${c.deadline}`)}</Tag>
            )}
            {c.deadlineProvisional && (
              <Tag title={t('cases.provisionalHint')} data-testid="deadline-provisional">
                {t('cases.provisional')}
              </Tag>
            )}
          </Space>
        }
        extra={<Link to="/cases">{t('cases.list')}</Link>}
      >
        {!c.chainValid && (
          <Alert type="error" showIcon title={t('cases.chainBroken')} style={{ marginBottom: 12 }} />
        )}
        <Space wrap style={{ marginBottom: 16 }} data-testid="case-actions">
          {c.actions.length ? (
            <ActionButtons c={c} onDone={load} />
          ) : (
            <Typography.Text type="secondary">{t('cases.noActions')}</Typography.Text>
          )}
          <AssignButtons c={c} onDone={load} />
          <ToHazardLink number={c.number} />
        </Space>
        <Descriptions bordered size="small" column={{ xs: 1, md: 2 }}>
          <Descriptions.Item label={t('cases.title')}>{c.title}</Descriptions.Item>
          <Descriptions.Item label={t('cases.category')}>
            {t(`cases.kinds.${c.kind}`)} · {c.category.majorName} · {c.categoryName}
          </Descriptions.Item>
          <Descriptions.Item label={t('cases.area')}>
            {c.areaName} ({c.areaCode})
          </Descriptions.Item>
          <Descriptions.Item label={t('cases.address')}>{c.address || '—'}</Descriptions.Item>
          <Descriptions.Item label={t('cases.unit')}>
            <span data-testid="case-unit">{c.assignedUnitName ?? '—'}</span>
          </Descriptions.Item>
          <Descriptions.Item label={t('cases.assignee')}>
            <span data-testid="case-assignee">{c.assignedUserName ?? '—'}</span>
          </Descriptions.Item>
          <Descriptions.Item label={t('cases.suggested')}>{c.suggestedUnitName ?? '—'}</Descriptions.Item>
          <Descriptions.Item label={t('cases.due')}>{formatTime(c.dueAt)}</Descriptions.Item>
          <Descriptions.Item label={t('cases.reporter')}>
            {c.reporterHidden ? (
              t('cases.reporterHidden')
            ) : c.reporter ? (
              <Reporter caseId={c.id} r={c.reporter} revealable={c.reporterRevealable} />
            ) : (
              '—'
            )}
          </Descriptions.Item>
          {c.category.attributes
            .filter((a) => c.attributes[a.code] !== undefined)
            .map((a) => {
              const v = c.attributes[a.code];
              const label = (key: string) => a.values?.find((x) => x.key === key)?.name ?? key;
              return (
                <Descriptions.Item key={a.code} label={a.description}>
                  {Array.isArray(v) ? v.map(label).join('、') : label(String(v))}
                </Descriptions.Item>
              );
            })}
          <Descriptions.Item label={t('cases.description')} span={2}>
            <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', margin: 0 }}>
              {c.description || '—'}
            </Typography.Paragraph>
          </Descriptions.Item>
          <Descriptions.Item label={t('cases.filing')} span={2}>
            {c.category.filingCriterion} / {c.category.closingCriterion}
          </Descriptions.Item>
          {c.merged.length > 0 && (
            <Descriptions.Item label={t('cases.act.merge_in')} span={2}>
              {c.merged.map((m) => (
                <Link key={m.id} to={`/cases/${m.id}`} style={{ marginRight: 8 }}>
                  {m.number}
                </Link>
              ))}
            </Descriptions.Item>
          )}
          {c.mergedInto && (
            <Descriptions.Item label={t('cases.states.merged')} span={2}>
              <Link to={`/cases/${c.mergedInto}`}>{c.mergedInto}</Link>
            </Descriptions.Item>
          )}
        </Descriptions>
        {c.whistle && <WhistleUnits c={c} />}
      </Card>
      <Row gutter={16}>
        <Col xs={24} lg={12}>
          <Card title={t('cases.timeline')}>
            <Timeline
              data-testid="timeline"
              items={c.events.map((e) => ({
                key: e.seq,
                color:
                  e.type === 'escalate' || e.type === 'return'
                    ? 'red'
                    : e.type === 'close'
                      ? 'green'
                      : 'blue',
                children: (
                  <div>
                    <b>{t(`cases.act.${e.type}`)}</b> · {e.actorName}{' '}
                    {e.actorUnitName ? `（${e.actorUnitName}）` : ''}
                    <br />
                    <Typography.Text type="secondary">{formatTime(e.at)}</Typography.Text>
                    {e.note && <div style={{ whiteSpace: 'pre-wrap' }}>{e.note}</div>}
                    {typeof e.payload.reason === 'string' && <div>{e.payload.reason}</div>}
                    {typeof e.payload.publicReply === 'string' && (
                      <div>
                        <Tag color="blue">{t('cases.publicReply')}</Tag>
                        {e.payload.publicReply}
                      </div>
                    )}
                    {typeof e.payload.text === 'string' && <div>{e.payload.text}</div>}
                    {e.type === 'deadline_recount' && typeof e.payload.dueAt === 'string' && (
                      <div>
                        {formatTime(String(e.payload.previousDueAt))} → {formatTime(e.payload.dueAt)}
                      </div>
                    )}
                  </div>
                ),
              }))}
            />
          </Card>
        </Col>
        <Col xs={24} lg={12}>
          <Card title={t('cases.photos')} style={{ marginBottom: 16 }}>
            <Image.PreviewGroup>
              <Space wrap data-testid="photos">
                {photos.length === 0 && '—'}
                {photos.map((h) => (
                  <Image
                    key={h}
                    width={120}
                    src={`/api/attachments/${h}?thumb=1`}
                    preview={{ src: `/api/attachments/${h}` }}
                  />
                ))}
              </Space>
            </Image.PreviewGroup>
          </Card>
          <Card styles={{ body: { padding: 0, height: 360 } }}>
            {settings && (
              <AreaMap
                settings={{ ...settings, center: point ?? settings.center, zoom: point ? 16 : settings.zoom }}
                scope={c.areaCode.slice(0, 9)}
                selected={c.areaCode}
                bbox={null}
                marker={point}
                height={360}
              />
            )}
          </Card>
        </Col>
      </Row>
      <Button onClick={load}>↻</Button>
    </Space>
  );
}

/**
 * A citizen's contact as the server sends it: masked (138****1234). Who may call back asks the server for
 * it in clear; the server checks their role and unit and writes the view to the audit trail.
 */
function Reporter({
  caseId,
  r,
  revealable,
}: {
  caseId: string;
  r: { name?: string; phone?: string };
  revealable: boolean;
}) {
  const { t } = useTranslation();
  const [clear, setClear] = useState<{ name?: string; phone?: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const shown = clear ?? r;
  return (
    <span data-testid="case-reporter">
      {shown.name ?? ''} {shown.phone ?? ''}{' '}
      {revealable && !clear && (
        <Button
          size="small"
          type="link"
          onClick={() =>
            void get<{ reporter: { name?: string; phone?: string } }>(`/api/cases/${caseId}/reporter`)
              .then((x) => setClear(x.reporter))
              .catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)))
          }
        >
          {t('common.show')}
        </Button>
      )}
      {error && <Typography.Text type="danger">{error}</Typography.Text>}
    </span>
  );
}

function WhistleUnits({ c }: { c: CaseDetail }) {
  const { t } = useTranslation();
  if (!c.whistle) return null;
  return (
    <Card
      size="small"
      title={`${t('cases.act.whistle')} · ${t('cases.reportDue')} ${formatTime(c.whistle.reportDueAt)}`}
      style={{ marginTop: 16 }}
    >
      <Space wrap>
        {c.whistle.units.map((u) => (
          <Tag key={u.unitId} color={u.reportedAt ? (u.late ? 'orange' : 'green') : 'default'}>
            {u.lead ? `${t('cases.lead')} · ` : ''}
            {u.unitName ?? u.unitId} ·{' '}
            {u.reportedAt ? (u.late ? t('cases.late') : t('cases.reported')) : t('cases.waiting')}
            {u.rating ? ` · ${u.rating}★` : ''}
          </Tag>
        ))}
      </Space>
    </Card>
  );
}
