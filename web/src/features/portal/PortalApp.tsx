/**
 * The citizen portal (phone-first, public): report a problem with its place, photos and an optional
 * contact; follow it by tracking code; rate the result. Talks only to /api/public/*.
 */
import {
  Alert,
  App,
  Button,
  Card,
  Form,
  Input,
  Radio,
  Result,
  Select,
  Space,
  Tag,
  Timeline,
  Typography,
  Upload,
} from 'antd';
import * as maplibregl from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Route, Routes, useNavigate, useParams } from 'react-router';
import { api } from '../../api/client';
import { formatTime } from '../../app/format';
import { LanguageSwitch } from '../../app/LanguageSwitch';
import { PublicNotices } from '../emergency/PublicNotices';
import { PublicPlanList, PublicPlanPage } from '../safety/PublicPlans';
import './strings';
import { ResultsPage } from './ResultsPage';

maplibregl.setWorkerUrl(workerUrl);

const DEVICE_KEY = 'wangge.device';
/** A random id this browser keeps: the server counts submissions per device (no captcha). */
function deviceId(): string {
  let id = localStorage.getItem(DEVICE_KEY);
  if (!id) {
    id = crypto.randomUUID();
    localStorage.setItem(DEVICE_KEY, id);
  }
  return id;
}

/** Public calls go through the one API client, with this browser's device id. */
function call<T>(
  method: string,
  url: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<T> {
  return api<T>(method, url, body, { 'x-wangge-device': deviceId(), ...headers });
}

// TODO(channels): /api/public/services, /api/public/track/{code} (+ /rate), /api/public/reports and
// /api/public/uploads have no response schema yet; once they do, type these from the generated schema.
interface Service {
  code: string;
  name: string;
  nameEn: string;
  group: string;
  groupEn: string;
  /** 公开范围: how much of a report the public will see. */
  publication: 'none' | 'status' | 'text';
  pointPrecision: 'exact' | 'grid';
}
interface Tracked {
  trackingCode: string;
  service: string;
  state: string;
  closed: boolean;
  canRate: boolean;
  rating: string | null;
  createdAt: string;
  /** `reply`: a public reply (公开答复) the staff wrote at that step, masked by the server. */
  timeline: { step: string; label: string; at: string; reply: string | null }[];
}

const shell = { maxWidth: 520, margin: '0 auto', padding: 12 } as const;

export default function PortalApp() {
  const { t } = useTranslation();
  return (
    <div style={shell}>
      <Space style={{ width: '100%', justifyContent: 'space-between', alignItems: 'center' }}>
        <Typography.Title level={3} style={{ marginTop: 8 }} data-testid="portal-title">
          {t('portal.title')}
        </Typography.Title>
        <LanguageSwitch />
      </Space>
      <PublicNotices />
      <Link to="/portal/results" data-testid="results-link">
        {t('portal.results.link')}
      </Link>
      <Routes>
        <Route path="/portal" element={<ReportPage />} />
        <Route path="/portal/track/:code" element={<TrackPage />} />
        <Route path="/portal/results" element={<ResultsPage />} />
        <Route path="/portal/safety" element={<PublicPlanList />} />
        <Route path="/portal/safety/:id" element={<PublicPlanPage />} />
        <Route path="*" element={<ReportPage />} />
      </Routes>
    </div>
  );
}

function PickMap(props: { point: [number, number] | null; onPick(p: [number, number]): void }) {
  const box = useRef<HTMLDivElement>(null);
  const map = useRef<maplibregl.Map | null>(null);
  const marker = useRef<maplibregl.Marker | null>(null);
  const onPick = useRef(props.onPick);
  onPick.current = props.onPick;
  useEffect(() => {
    if (!box.current) return;
    const m = new maplibregl.Map({
      container: box.current,
      center: [117.2, 39.12],
      zoom: 12,
      attributionControl: false,
      style: {
        version: 8,
        sources: {
          districts: { type: 'geojson', data: '/api/public/areas.geojson?level=district' },
          streets: { type: 'geojson', data: '/api/public/areas.geojson?level=street' },
        },
        layers: [
          { id: 'bg', type: 'background', paint: { 'background-color': '#eef1f5' } },
          { id: 'district-fill', type: 'fill', source: 'districts', paint: { 'fill-color': '#fff' } },
          { id: 'street-line', type: 'line', source: 'streets', paint: { 'line-color': '#90a4ae' } },
          {
            id: 'district-line',
            type: 'line',
            source: 'districts',
            paint: { 'line-color': '#c62828', 'line-width': 2 },
          },
        ],
      },
    });
    m.on('click', (e) => onPick.current([e.lngLat.lng, e.lngLat.lat]));
    map.current = m;
    window.__wanggeMap = m;
    return () => m.remove();
  }, []);
  useEffect(() => {
    marker.current?.remove();
    if (props.point && map.current) {
      marker.current = new maplibregl.Marker({ color: '#fa541c' }).setLngLat(props.point).addTo(map.current);
      map.current.easeTo({ center: props.point, zoom: Math.max(map.current.getZoom(), 15) });
    }
  }, [props.point]);
  return <div ref={box} style={{ height: 260, borderRadius: 8, overflow: 'hidden' }} />;
}

interface PlaceHit {
  kind: string;
  name: string;
  detail: string;
  lon: number;
  lat: number;
}

/** Name the place instead of pointing at the map (地名地址): landmarks, addresses, streets, communities, grids. */
function PlaceSearch(props: { onPick(point: [number, number], name: string): void }) {
  const { t } = useTranslation();
  const [hits, setHits] = useState<PlaceHit[]>([]);
  const [error, setError] = useState<string | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const search = (q: string) => {
    clearTimeout(timer.current);
    const text = q.trim();
    if (!text) return setHits([]);
    timer.current = setTimeout(() => {
      call<PlaceHit[]>('GET', `/api/public/places?q=${encodeURIComponent(text)}`)
        .then((h) => {
          setHits(h);
          setError(null);
        })
        .catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)));
    }, 250);
  };
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Select
        showSearch
        allowClear
        filterOption={false}
        onSearch={search}
        aria-label={t('portal.placeSearch')}
        placeholder={t('portal.placeSearch')}
        notFoundContent={null}
        data-testid="portal-place-search"
        style={{ width: '100%' }}
        options={hits.map((h, i) => ({
          value: String(i),
          label: `${h.name}${h.detail ? ` · ${h.detail}` : ''} (${t(`portal.placeKind.${h.kind}`, { defaultValue: h.kind })})`,
        }))}
        onChange={(v: string | undefined) => {
          const h = v === undefined ? undefined : hits[Number(v)];
          if (h) props.onPick([h.lon, h.lat], h.name);
        }}
      />
      {error && <Typography.Text type="danger">{error}</Typography.Text>}
    </Space>
  );
}

function ReportPage() {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const [services, setServices] = useState<Service[]>([]);
  const [point, setPoint] = useState<[number, number] | null>(null);
  const [placeName, setPlaceName] = useState<string | null>(null);
  const [photos, setPhotos] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const key = useMemo(() => crypto.randomUUID(), []);
  const [form] = Form.useForm();
  const serviceCode: string | undefined = Form.useWatch('serviceCode', form);
  const typed: string = Form.useWatch('description', form) ?? '';
  const [suggested, setSuggested] = useState<{ categoryCode: string; name: string; confidence: number }[]>(
    [],
  );
  // The suggestion last shown: the report carries its id so the server records the category chosen.
  const [suggestionId, setSuggestionId] = useState<number | null>(null);
  // The category suggested as the citizen types (分拨建议), asked at most every 600 ms.
  useEffect(() => {
    if (typed.trim().length < 4) {
      setSuggestionId(null);
      return setSuggested([]);
    }
    let live = true;
    const timer = setTimeout(() => {
      call<{
        suggestionId: number;
        suggestions: { categoryCode: string; name: string; confidence: number }[];
      }>('POST', '/api/public/suggest', { text: typed }).then(
        (r) => {
          if (!live) return;
          const shown = r.suggestions.filter((s) => s.confidence >= 0.15);
          setSuggested(shown);
          // Only a suggestion the citizen saw counts for "how often the first one was taken".
          setSuggestionId(shown.length ? r.suggestionId : null);
        },
        () => {
          if (!live) return;
          setSuggested([]);
          setSuggestionId(null);
        },
      );
    }, 600);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [typed]);
  useEffect(() => {
    void call<Service[]>('GET', '/api/public/services').then(setServices);
  }, []);
  const locate = () =>
    navigator.geolocation.getCurrentPosition(
      (p) => setPoint([p.coords.longitude, p.coords.latitude]),
      () => setError(t('portal.noLocation')),
      { enableHighAccuracy: true, timeout: 10_000 },
    );
  const submit = async (v: { serviceCode: string; description: string; name?: string; phone?: string }) => {
    if (!point) return setError(t('portal.placeRequired'));
    setBusy(true);
    setError(null);
    try {
      const contact =
        v.name || v.phone
          ? { ...(v.name && { name: v.name }), ...(v.phone && { phone: v.phone }) }
          : undefined;
      const r = await call<{ trackingCode: string }>(
        'POST',
        '/api/public/reports',
        {
          serviceCode: v.serviceCode,
          description: v.description,
          lon: point[0],
          lat: point[1],
          photos,
          ...(contact && { contact }),
          ...(suggestionId !== null && { suggestionId }),
        },
        { 'idempotency-key': key },
      );
      void navigate(`/portal/track/${r.trackingCode}?new=1`);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };
  const english = i18n.language === 'en';
  const groups = [...new Set(services.map((s) => s.group))].map((g) => ({
    label: english ? (services.find((s) => s.group === g)?.groupEn ?? g) : g,
    options: services
      .filter((s) => s.group === g)
      .map((s) => ({ value: s.code, label: english ? s.nameEn : s.name })),
  }));
  return (
    <Card>
      <Form form={form} layout="vertical" onFinish={(v) => void submit(v)}>
        <Form.Item
          name="serviceCode"
          label={t('portal.problem')}
          rules={[{ required: true, message: t('portal.problemRequired') }]}
        >
          <Select
            showSearch
            optionFilterProp="label"
            options={groups}
            placeholder={t('portal.problemPlaceholder')}
            data-testid="portal-service"
          />
        </Form.Item>
        <PublicationNote service={services.find((s) => s.code === serviceCode)} />
        <Form.Item label={t('portal.place')} required>
          <Space direction="vertical" style={{ width: '100%' }}>
            <Button onClick={locate} data-testid="portal-locate">
              {t('portal.useMyLocation')}
            </Button>
            <PlaceSearch
              onPick={(p, name) => {
                setPoint(p);
                setPlaceName(name);
              }}
            />
            <PickMap
              point={point}
              onPick={(p) => {
                setPoint(p);
                setPlaceName(null);
              }}
            />
            {point && (
              <Typography.Text type="secondary" data-testid="portal-point">
                {t('portal.picked')} {placeName ? `${placeName} ` : ''}
                {point[1].toFixed(5)}, {point[0].toFixed(5)}
              </Typography.Text>
            )}
          </Space>
        </Form.Item>
        <Form.Item
          name="description"
          label={t('portal.description')}
          rules={[{ required: true, min: 5, message: t('portal.descriptionRequired') }]}
        >
          <Input.TextArea rows={4} maxLength={2000} showCount data-testid="portal-description" />
        </Form.Item>
        {suggested.some((s) => services.some((x) => x.code === s.categoryCode)) && (
          <div data-testid="portal-suggestions" style={{ marginTop: -12, marginBottom: 12 }}>
            <Typography.Text type="secondary">{t('portal.suggested')}</Typography.Text>{' '}
            {suggested
              .filter((s) => services.some((x) => x.code === s.categoryCode))
              .map((s) => {
                const service = services.find((x) => x.code === s.categoryCode);
                return (
                  <Tag
                    key={s.categoryCode}
                    color={s.categoryCode === serviceCode ? 'blue' : undefined}
                    style={{ cursor: 'pointer' }}
                    onClick={() => form.setFieldValue('serviceCode', s.categoryCode)}
                  >
                    {english ? service?.nameEn : service?.name}
                  </Tag>
                );
              })}
          </div>
        )}
        <Form.Item label={t('portal.photos')}>
          <Upload
            accept="image/jpeg,image/png,image/webp"
            listType="picture"
            maxCount={3}
            customRequest={({ file, onSuccess, onError }) => {
              const form = new FormData();
              form.append('file', file as File, (file as File).name);
              call<{ hash: string }>('POST', '/api/public/uploads', form)
                .then((r) => {
                  setPhotos((p) => [...p, r.hash]);
                  onSuccess?.(r);
                })
                .catch((e: Error) => {
                  void message.error(e.message);
                  onError?.(e);
                });
            }}
          >
            <Button>{t('portal.addPhoto')}</Button>
          </Upload>
        </Form.Item>
        <Typography.Paragraph type="secondary">{t('portal.contactNote')}</Typography.Paragraph>
        <Space wrap>
          <Form.Item name="name" label={t('portal.name')}>
            <Input maxLength={30} />
          </Form.Item>
          <Form.Item
            name="phone"
            label={t('portal.phone')}
            rules={[{ pattern: /^1\d{10}$/, message: t('portal.phoneRule') }]}
          >
            <Input maxLength={11} inputMode="numeric" />
          </Form.Item>
        </Space>
        {error && <Alert type="error" title={error} showIcon style={{ marginBottom: 12 }} />}
        <Button
          type="primary"
          htmlType="submit"
          block
          size="large"
          loading={busy}
          data-testid="portal-submit"
        >
          {t('portal.submit')}
        </Button>
      </Form>
    </Card>
  );
}

const FINAL_STATES = ['closed', 'rejected', 'merged'];

function TrackPage() {
  const { t: tr } = useTranslation();
  const { code = '' } = useParams();
  const [t, setT] = useState<Tracked | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [rating, setRating] = useState('satisfied');
  const [comment, setComment] = useState('');
  const fresh = new URLSearchParams(window.location.search).has('new');
  useEffect(() => {
    call<Tracked>('GET', `/api/public/track/${code}`).then(setT, (e: Error) => setError(e.message));
  }, [code]);
  if (error) return <Alert type="error" title={error} showIcon />;
  if (!t) return null;
  const rate = () =>
    call<Tracked>('POST', `/api/public/track/${code}/rate`, { rating, ...(comment && { comment }) }).then(
      setT,
      (e: Error) => setError(e.message),
    );
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      {fresh && (
        <Result
          status="success"
          title={tr('portal.submitted')}
          subTitle={
            <span>
              {tr('portal.trackingCode')} <b data-testid="tracking-code">{t.trackingCode}</b>
              {tr('portal.keepCode')}
            </span>
          }
        />
      )}
      <Card
        title={t.service}
        extra={
          <span data-testid="portal-state">
            {FINAL_STATES.includes(t.state) ? tr(`portal.states.${t.state}`) : tr('portal.inProgress')}
          </span>
        }
      >
        <Timeline
          data-testid="portal-timeline"
          items={t.timeline.map((e, i) => ({
            key: i,
            children: (
              <>
                {`${tr(`portal.steps.${e.step}`, { defaultValue: e.label })} · ${formatTime(e.at)}`}
                {e.reply && (
                  <Typography.Paragraph
                    style={{ whiteSpace: 'pre-wrap', margin: 0 }}
                    data-testid="portal-reply"
                  >
                    {tr('portal.reply', { reply: e.reply })}
                  </Typography.Paragraph>
                )}
              </>
            ),
          }))}
        />
      </Card>
      {t.canRate && (
        <Card title={tr('portal.rateTitle')}>
          <Radio.Group
            value={rating}
            onChange={(e) => setRating(e.target.value)}
            options={[
              { value: 'satisfied', label: tr('portal.ratings.satisfied') },
              { value: 'basically', label: tr('portal.ratings.basically') },
              { value: 'unsatisfied', label: tr('portal.ratings.unsatisfied') },
            ]}
          />
          <Input.TextArea
            rows={2}
            maxLength={500}
            placeholder={tr('portal.commentPlaceholder')}
            value={comment}
            onChange={(e) => setComment(e.target.value)}
            style={{ margin: '12px 0' }}
          />
          <Button type="primary" onClick={() => void rate()} data-testid="portal-rate">
            {tr('portal.rate')}
          </Button>
        </Card>
      )}
    </Space>
  );
}

/** What the public will see of a report of this service (公开范围), shown before the citizen writes it. */
function PublicationNote(props: { service: Service | undefined }) {
  const { t } = useTranslation();
  const s = props.service;
  if (!s) return null;
  const precision = s.publication === 'none' ? '' : ` ${t(`portal.precision.${s.pointPrecision}`)}`;
  return (
    <Alert
      type="info"
      showIcon
      style={{ marginBottom: 16 }}
      data-testid="portal-publication"
      title={`${t(`portal.publication.${s.publication}`)}${precision}`}
    />
  );
}
