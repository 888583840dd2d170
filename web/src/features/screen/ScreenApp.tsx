/**
 * The big screen (大屏, `/screen`): 1920×1080, dark, no scrolling, asks `GET /api/evaluation/screen` again
 * every `refreshSeconds`. Live counts, the grid map, 30-day and 12-month trends, top and rising categories,
 * the overdue list and open whistles. Every chart carries its figures as a table (visually hidden, or shown
 * by the toggle).
 */
import { type CSSProperties, type ReactNode, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type ApiAnswer, type AreaDetail, get, type MapSettings } from '../../api/client';
import { useAuth } from '../../app/auth';
import LoginPage from '../auth/LoginPage';
import { Chart, type ChartOption, FigureTable } from '../evaluation/Chart';
import { ScreenMap, SHADES, WARNING } from './ScreenMap';
import './screenStrings';

type ScreenData = ApiAnswer<'get', '/api/evaluation/screen'>;

const SCREEN_ROLES = ['leader', 'supervisor', 'shift_lead', 'dispatcher', 'admin'];
/** Incidents listed beside the map (the map shows them all). */
const INCIDENT_LIST = 6;
const ROMAN: Record<number, string> = { 1: 'Ⅰ', 2: 'Ⅱ', 3: 'Ⅲ', 4: 'Ⅳ' };
const COLOURS = { text: '#e6edf3', muted: '#9fb0c3', panel: '#111a2b', border: '#25344d', bg: '#070d18' };
const SERIES = { received: '#58a6ff', closed: '#3fb950' };

const panel: CSSProperties = {
  background: COLOURS.panel,
  border: `1px solid ${COLOURS.border}`,
  borderRadius: 6,
  padding: '10px 14px',
  display: 'flex',
  flexDirection: 'column',
  minHeight: 0,
  overflow: 'hidden',
};

function Panel(props: { title: string; children: ReactNode; style?: CSSProperties; testId?: string }) {
  return (
    <section style={{ ...panel, ...props.style }} data-testid={props.testId} aria-label={props.title}>
      <h2 style={{ margin: '0 0 6px', fontSize: 18, fontWeight: 600, color: COLOURS.text }}>{props.title}</h2>
      <div style={{ flex: 1, minHeight: 0, position: 'relative' }}>{props.children}</div>
    </section>
  );
}

const axisStyle = {
  axisLine: { lineStyle: { color: COLOURS.border } },
  axisLabel: { color: COLOURS.muted, fontSize: 12 },
  splitLine: { lineStyle: { color: '#1b273b' } },
};

function trendOption(
  rows: ScreenData['daily'],
  names: { received: string; closed: string },
  label: (b: string) => string,
): ChartOption {
  return {
    animation: false,
    textStyle: { color: COLOURS.text },
    grid: { left: 44, right: 12, top: 28, bottom: 24 },
    legend: { top: 0, right: 0, textStyle: { color: COLOURS.text } },
    tooltip: { trigger: 'axis' },
    xAxis: { type: 'category', data: rows.map((r) => label(r.bucket)), ...axisStyle },
    yAxis: { type: 'value', minInterval: 1, ...axisStyle },
    series: [
      {
        name: names.received,
        type: 'line',
        smooth: true,
        showSymbol: false,
        data: rows.map((r) => r.received),
        color: SERIES.received,
        areaStyle: { opacity: 0.15 },
      },
      {
        name: names.closed,
        type: 'line',
        smooth: true,
        showSymbol: false,
        data: rows.map((r) => r.closed),
        color: SERIES.closed,
      },
    ],
  };
}

function Kpi(props: { label: string; value: number; colour: string; testId: string }) {
  return (
    <div style={{ textAlign: 'center', minWidth: 150 }} data-testid={props.testId}>
      <div style={{ fontSize: 16, color: COLOURS.muted }}>{props.label}</div>
      <div style={{ fontSize: 44, fontWeight: 700, color: props.colour, lineHeight: 1.1 }}>
        {props.value.toLocaleString()}
      </div>
    </div>
  );
}

const timeOf = (iso: string) => new Date(iso).toLocaleTimeString('zh-CN', { hour12: false });

export default function ScreenApp() {
  const { me, loading } = useAuth();
  const { t, i18n } = useTranslation();
  const zh = i18n.language !== 'en';
  const [data, setData] = useState<ScreenData | null>(null);
  const [stale, setStale] = useState(false);
  const [settings, setSettings] = useState<MapSettings | null>(null);
  const [bbox, setBbox] = useState<AreaDetail['bbox']>(null);
  const [tables, setTables] = useState(false);
  const allowed = !!me && me.roles.some((r) => SCREEN_ROLES.includes(r));

  useEffect(() => {
    document.title = t('screen.title');
    document.documentElement.style.background = COLOURS.bg;
    return () => {
      document.documentElement.style.background = '';
    };
  }, [t]);

  useEffect(() => {
    if (!allowed) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let alive = true;
    const load = async () => {
      let wait = 30;
      try {
        const d = await get<ScreenData>('/api/evaluation/screen');
        if (!alive) return;
        setData(d);
        setStale(false);
        wait = d.refreshSeconds;
      } catch {
        if (alive) setStale(true);
      }
      if (alive) timer = setTimeout(() => void load(), wait * 1000);
    };
    void load();
    return () => {
      alive = false;
      if (timer) clearTimeout(timer);
    };
  }, [allowed]);

  useEffect(() => {
    if (!allowed || !me) return;
    void get<MapSettings>('/api/settings/map').then(setSettings);
    if (me.scope)
      void get<AreaDetail>(`/api/areas/${me.scope}`)
        .then((a) => setBbox(a.bbox))
        .catch(() => undefined);
  }, [allowed, me]);

  const names = useMemo(() => ({ received: t('screen.received'), closed: t('screen.closed') }), [t]);
  const daily = useMemo(
    () => (data ? trendOption(data.daily, names, (b) => b.slice(5)) : null),
    [data, names],
  );
  const monthly = useMemo(() => (data ? trendOption(data.monthly, names, (b) => b) : null), [data, names]);
  const top = useMemo<ChartOption | null>(() => {
    if (!data) return null;
    const rows = [...data.topCategories].reverse();
    return {
      animation: false,
      textStyle: { color: COLOURS.text },
      grid: { left: 8, right: 36, top: 4, bottom: 4, containLabel: true },
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      xAxis: { type: 'value', minInterval: 1, ...axisStyle },
      yAxis: { type: 'category', data: rows.map((c) => (zh ? c.name : c.nameEn)), ...axisStyle },
      series: [
        {
          type: 'bar',
          data: rows.map((c) => c.count),
          color: '#a371f7',
          label: { show: true, position: 'right', color: COLOURS.text },
        },
      ],
    };
  }, [data, zh]);

  if (loading) return <Full>{t('screen.loading')}</Full>;
  if (!me) return <LoginPage />;
  if (!allowed)
    return (
      <Full>
        <p>{t('screen.forbidden')}</p>
        <a href="/" style={{ color: '#58a6ff' }}>
          {t('screen.backToConsole')}
        </a>
      </Full>
    );
  if (!data || !daily || !monthly || !top) return <Full>{t('screen.loading')}</Full>;

  const busiest = [...data.load].sort((a, b) => b.overdue - a.overdue || b.open - a.open).slice(0, 15);
  const cell: CSSProperties = {
    padding: '3px 6px',
    borderBottom: `1px solid ${COLOURS.border}`,
    whiteSpace: 'nowrap',
    overflow: 'hidden',
    textOverflow: 'ellipsis',
  };
  return (
    <main
      data-testid="screen"
      style={{
        position: 'fixed',
        inset: 0,
        overflow: 'hidden',
        background: COLOURS.bg,
        color: COLOURS.text,
        display: 'grid',
        gridTemplateRows: '72px 1fr',
        gap: 10,
        padding: 10,
        boxSizing: 'border-box',
        fontSize: 14,
      }}
    >
      <header style={{ display: 'flex', alignItems: 'center', gap: 24 }}>
        <h1 style={{ margin: 0, fontSize: 30, fontWeight: 700, color: COLOURS.text }}>
          {t('screen.title')}
          {data.area.name ? ` · ${data.area.name}` : ''}
        </h1>
        <div style={{ flex: 1 }} />
        <Kpi label={t('screen.intakeToday')} value={data.today.intake} colour="#58a6ff" testId="kpi-intake" />
        <Kpi label={t('screen.closedToday')} value={data.today.closed} colour="#3fb950" testId="kpi-closed" />
        <Kpi label={t('screen.openNow')} value={data.today.open} colour="#d29922" testId="kpi-open" />
        <Kpi
          label={t('screen.overdueNow')}
          value={data.today.overdue}
          colour="#ff7b72"
          testId="kpi-overdue"
        />
        <div style={{ textAlign: 'right', color: stale ? '#ff7b72' : COLOURS.muted, minWidth: 200 }}>
          <div role="status">
            {stale
              ? t('screen.stale', { time: timeOf(data.generatedAt) })
              : t('screen.updated', { time: timeOf(data.generatedAt) })}
          </div>
          <button
            type="button"
            onClick={() => setTables((x) => !x)}
            style={{
              marginTop: 4,
              background: 'transparent',
              color: COLOURS.text,
              border: `1px solid ${COLOURS.border}`,
              borderRadius: 4,
              padding: '2px 8px',
              cursor: 'pointer',
            }}
          >
            {tables ? t('screen.showCharts') : t('screen.showTables')}
          </button>
        </div>
      </header>
      <div
        style={{
          display: 'grid',
          gridTemplateColumns: '470px 1fr 520px',
          gap: 10,
          minHeight: 0,
          height: '100%',
        }}
      >
        <div style={{ display: 'grid', gridTemplateRows: '1fr 1fr 1.1fr', gap: 10, minHeight: 0 }}>
          <Panel title={t('screen.trend30')}>
            <Chart
              testId="chart-daily"
              height="100%"
              label={t('screen.trend30')}
              option={daily}
              showTable={tables}
              table={{
                columns: [t('screen.day'), names.received, names.closed],
                rows: data.daily.map((r) => [r.bucket, r.received, r.closed]),
              }}
            />
          </Panel>
          <Panel title={t('screen.trend12')}>
            <Chart
              testId="chart-monthly"
              height="100%"
              label={t('screen.trend12')}
              option={monthly}
              showTable={tables}
              table={{
                columns: [t('screen.monthCol'), names.received, names.closed],
                rows: data.monthly.map((r) => [r.bucket, r.received, r.closed]),
              }}
            />
          </Panel>
          <Panel title={t('screen.topCategories')}>
            <Chart
              testId="chart-top"
              height="100%"
              label={t('screen.topCategories')}
              option={top}
              showTable={tables}
              table={{
                columns: [t('screen.category'), t('screen.count'), t('screen.previous')],
                rows: data.topCategories.map((c) => [zh ? c.name : c.nameEn, c.count, c.previous]),
              }}
            />
          </Panel>
        </div>
        <Panel title={t('screen.map')} testId="screen-map-panel">
          <div role="img" aria-label={t('screen.mapLabel')} style={{ position: 'absolute', inset: 0 }}>
            {settings && (
              <ScreenMap
                settings={settings}
                scope={me.scope}
                bbox={bbox}
                load={data.load}
                incidents={data.incidents.rows}
              />
            )}
          </div>
          <ul
            aria-hidden="true"
            style={{
              position: 'absolute',
              left: 8,
              bottom: 8,
              margin: 0,
              padding: '6px 10px',
              listStyle: 'none',
              background: 'rgba(7, 13, 24, 0.85)',
              borderRadius: 4,
              display: 'flex',
              gap: 14,
            }}
          >
            {(
              [
                ['legendNone', SHADES.none],
                ['legendOpen', SHADES.open],
                ['legendMany', SHADES.many],
                ['legendOverdue', SHADES.overdue],
                ['legendIncident', WARNING.red],
              ] as const
            ).map(([k, c]) => (
              <li key={k} style={{ display: 'flex', alignItems: 'center', gap: 6 }}>
                <span
                  style={{
                    width: 14,
                    height: 14,
                    background: c,
                    border: `1px solid ${COLOURS.border}`,
                    display: 'inline-block',
                  }}
                />
                {t(`screen.${k}`)}
              </li>
            ))}
          </ul>
          <section
            data-testid="incident-panel"
            aria-label={t('screen.incidents')}
            style={{
              // Bottom right: the legend keeps the bottom left, the figures table the top right.
              position: 'absolute',
              right: 8,
              bottom: 8,
              width: 380,
              maxHeight: '45%',
              overflow: 'hidden',
              padding: '6px 10px',
              background: 'rgba(7, 13, 24, 0.85)',
              borderRadius: 4,
            }}
          >
            <div style={{ fontWeight: 600, marginBottom: 4 }}>
              {t('screen.incidents')} · {data.incidents.count}
            </div>
            {data.incidents.rows.length === 0 ? (
              <div style={{ color: COLOURS.muted }}>{t('screen.noIncidents')}</div>
            ) : (
              <ul style={{ margin: 0, padding: 0, listStyle: 'none' }}>
                {data.incidents.rows.slice(0, INCIDENT_LIST).map((r) => (
                  <li
                    key={r.id}
                    data-testid={`screen-incident-${r.id}`}
                    style={{ display: 'flex', alignItems: 'center', gap: 8, padding: '2px 0' }}
                  >
                    <span
                      style={{
                        width: 12,
                        height: 12,
                        borderRadius: 6,
                        background: WARNING[r.colour],
                        flex: 'none',
                      }}
                    />
                    <span style={{ color: WARNING[r.colour], flex: 'none' }}>
                      {t('screen.incidentLevel', { level: ROMAN[r.level] ?? r.level })}
                    </span>
                    <span
                      title={`${r.number} ${r.title}`}
                      style={{ overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap', flex: 1 }}
                    >
                      {r.title}
                    </span>
                    <span style={{ color: COLOURS.muted, flex: 'none', fontSize: 13 }}>{r.areaName}</span>
                  </li>
                ))}
              </ul>
            )}
          </section>
          <FigureTable
            hidden={!tables}
            testId="map-table"
            caption={t('screen.mapTable')}
            columns={[t('screen.grid'), t('screen.openNow'), t('screen.overdueNow')]}
            rows={busiest.map((l) => [l.code, l.open, l.overdue])}
            style={{ position: 'absolute', top: 8, right: 8, background: COLOURS.panel }}
          />
        </Panel>
        <div style={{ display: 'grid', gridTemplateRows: '1.25fr 1fr 0.9fr', gap: 10, minHeight: 0 }}>
          <Panel title={`${t('screen.overdueList')} · ${data.overdue.count}`} testId="overdue-panel">
            {data.overdue.rows.length === 0 ? (
              <p style={{ color: COLOURS.muted }}>{t('screen.noOverdue')}</p>
            ) : (
              <table style={{ width: '100%', tableLayout: 'fixed', borderCollapse: 'collapse' }}>
                <thead>
                  <tr style={{ color: COLOURS.muted, textAlign: 'left' }}>
                    <th scope="col" style={{ ...cell, width: '42%' }}>
                      {t('screen.caseTitle')}
                    </th>
                    <th scope="col" style={cell}>
                      {t('screen.area')}
                    </th>
                    <th scope="col" style={cell}>
                      {t('screen.unit')}
                    </th>
                    <th scope="col" style={{ ...cell, textAlign: 'right', width: 90 }}>
                      {t('screen.overdueHours')}
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {data.overdue.rows.map((r) => (
                    <tr key={r.id}>
                      <td style={cell} title={`${r.number} ${r.title}`}>
                        {r.title}
                      </td>
                      <td style={cell}>{r.areaName}</td>
                      <td style={cell}>{r.unitName ?? '—'}</td>
                      <td style={{ ...cell, textAlign: 'right', color: '#ff7b72' }}>{r.overdueHours}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </Panel>
          <Panel title={`${t('screen.whistles')} · ${data.whistles.count}`} testId="whistle-panel">
            {data.whistles.rows.length === 0 ? (
              <p style={{ color: COLOURS.muted }}>{t('screen.noWhistles')}</p>
            ) : (
              <ul style={{ margin: 0, padding: 0, listStyle: 'none' }}>
                {data.whistles.rows.map((w) => (
                  <li key={w.id} style={{ borderBottom: `1px solid ${COLOURS.border}`, padding: '4px 0' }}>
                    <div style={{ display: 'flex', justifyContent: 'space-between', gap: 8 }}>
                      <span style={{ overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' }}>
                        {w.title}
                      </span>
                      <span style={{ color: w.reported < w.units.length ? '#d29922' : '#3fb950' }}>
                        {t('screen.reported', { n: w.reported, total: w.units.length })}
                      </span>
                    </div>
                    <div style={{ color: COLOURS.muted, fontSize: 13 }}>
                      {w.units
                        .map(
                          (u) =>
                            `${u.name}${u.lead ? ` (${t('screen.lead')})` : ''} ${
                              u.reportedAt
                                ? `${t('screen.reportedAt')}${u.late ? `·${t('screen.late')}` : ''}`
                                : t('screen.notReported')
                            }`,
                        )
                        .join('; ')}
                    </div>
                  </li>
                ))}
              </ul>
            )}
          </Panel>
          <Panel title={t('screen.rising')} testId="rising-panel">
            {data.rising.length === 0 ? (
              <p style={{ color: COLOURS.muted }}>{t('screen.noRising')}</p>
            ) : (
              <table style={{ width: '100%', tableLayout: 'fixed', borderCollapse: 'collapse' }}>
                <thead>
                  <tr style={{ color: COLOURS.muted, textAlign: 'left' }}>
                    <th scope="col" style={cell}>
                      {t('screen.street')}
                    </th>
                    <th scope="col" style={cell}>
                      {t('screen.category')}
                    </th>
                    <th scope="col" style={{ ...cell, textAlign: 'right', width: 70 }}>
                      {t('screen.count')}
                    </th>
                    <th scope="col" style={{ ...cell, textAlign: 'right', width: 90 }}>
                      {t('screen.previous')}
                    </th>
                    <th scope="col" style={{ ...cell, textAlign: 'right', width: 60 }}>
                      {t('screen.rise')}
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {data.rising.map((r) => (
                    <tr key={`${r.street}-${r.code}`}>
                      <td style={cell}>{r.streetName}</td>
                      <td style={cell}>{zh ? r.name : r.nameEn}</td>
                      <td style={{ ...cell, textAlign: 'right' }}>{r.now}</td>
                      <td style={{ ...cell, textAlign: 'right' }}>{r.before}</td>
                      <td style={{ ...cell, textAlign: 'right', color: '#ff7b72' }}>+{r.rise}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </Panel>
        </div>
      </div>
    </main>
  );
}

function Full({ children }: { children: ReactNode }) {
  return (
    <main
      style={{
        position: 'fixed',
        inset: 0,
        display: 'flex',
        flexDirection: 'column',
        alignItems: 'center',
        justifyContent: 'center',
        background: COLOURS.bg,
        color: COLOURS.text,
        fontSize: 20,
      }}
    >
      {children}
    </main>
  );
}
