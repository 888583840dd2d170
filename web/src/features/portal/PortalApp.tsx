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
  Timeline,
  Typography,
  Upload,
} from 'antd';
import * as maplibregl from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Route, Routes, useNavigate, useParams } from 'react-router';
import { api } from '../../api/client';
import { formatTime } from '../../app/format';
import './strings';

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
  group: string;
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
  return (
    <div style={shell}>
      <Typography.Title level={3} style={{ marginTop: 8 }}>
        网格 · 市民反映
      </Typography.Title>
      <Routes>
        <Route path="/portal" element={<ReportPage />} />
        <Route path="/portal/track/:code" element={<TrackPage />} />
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

function ReportPage() {
  const { message } = App.useApp();
  const navigate = useNavigate();
  const [services, setServices] = useState<Service[]>([]);
  const [point, setPoint] = useState<[number, number] | null>(null);
  const [photos, setPhotos] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const key = useMemo(() => crypto.randomUUID(), []);
  const [form] = Form.useForm();
  const serviceCode: string | undefined = Form.useWatch('serviceCode', form);
  useEffect(() => {
    void call<Service[]>('GET', '/api/public/services').then(setServices);
  }, []);
  const locate = () =>
    navigator.geolocation.getCurrentPosition(
      (p) => setPoint([p.coords.longitude, p.coords.latitude]),
      () => setError('无法获取位置，请在地图上点选'),
      { enableHighAccuracy: true, timeout: 10_000 },
    );
  const submit = async (v: { serviceCode: string; description: string; name?: string; phone?: string }) => {
    if (!point) return setError('请在地图上点选问题位置，或使用当前位置');
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
  const groups = [...new Set(services.map((s) => s.group))].map((g) => ({
    label: g,
    options: services.filter((s) => s.group === g).map((s) => ({ value: s.code, label: s.name })),
  }));
  return (
    <Card>
      <Form form={form} layout="vertical" onFinish={(v) => void submit(v)}>
        <Form.Item
          name="serviceCode"
          label="遇到了什么问题"
          rules={[{ required: true, message: '请选择问题类型' }]}
        >
          <Select
            showSearch
            optionFilterProp="label"
            options={groups}
            placeholder="例如：暴露垃圾、路灯不亮"
            data-testid="portal-service"
          />
        </Form.Item>
        <PublicationNote service={services.find((s) => s.code === serviceCode)} />
        <Form.Item label="问题位置" required>
          <Space direction="vertical" style={{ width: '100%' }}>
            <Button onClick={locate} data-testid="portal-locate">
              使用我的位置
            </Button>
            <PickMap point={point} onPick={setPoint} />
            {point && (
              <Typography.Text type="secondary" data-testid="portal-point">
                已选位置 {point[1].toFixed(5)}, {point[0].toFixed(5)}
              </Typography.Text>
            )}
          </Space>
        </Form.Item>
        <Form.Item
          name="description"
          label="描述"
          rules={[{ required: true, min: 5, message: '请用几句话描述问题' }]}
        >
          <Input.TextArea rows={4} maxLength={2000} showCount data-testid="portal-description" />
        </Form.Item>
        <Form.Item label="照片（最多3张）">
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
            <Button>拍照或选择照片</Button>
          </Upload>
        </Form.Item>
        <Typography.Paragraph type="secondary">
          联系方式可不填；填写后仅工作人员可见，用于回访。
        </Typography.Paragraph>
        <Space wrap>
          <Form.Item name="name" label="称呼">
            <Input maxLength={30} />
          </Form.Item>
          <Form.Item name="phone" label="手机号" rules={[{ pattern: /^1\d{10}$/, message: '11位手机号' }]}>
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
          提交
        </Button>
      </Form>
    </Card>
  );
}

const STATE_LABELS: Record<string, string> = { closed: '已办结', rejected: '不予受理', merged: '已合并办理' };

function TrackPage() {
  const { code = '' } = useParams();
  const { t: tr } = useTranslation();
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
          title="已提交"
          subTitle={
            <span>
              查询码 <b data-testid="tracking-code">{t.trackingCode}</b>，请保存以便查询进度
            </span>
          }
        />
      )}
      <Card
        title={t.service}
        extra={<span data-testid="portal-state">{STATE_LABELS[t.state] ?? '办理中'}</span>}
      >
        <Timeline
          data-testid="portal-timeline"
          items={t.timeline.map((e, i) => ({
            key: i,
            children: (
              <>
                {`${e.label} · ${formatTime(e.at)}`}
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
        <Card title="对办理结果评价">
          <Radio.Group
            value={rating}
            onChange={(e) => setRating(e.target.value)}
            options={[
              { value: 'satisfied', label: '满意' },
              { value: 'basically', label: '基本满意' },
              { value: 'unsatisfied', label: '不满意' },
            ]}
          />
          <Input.TextArea
            rows={2}
            maxLength={500}
            placeholder="意见（可选）"
            value={comment}
            onChange={(e) => setComment(e.target.value)}
            style={{ margin: '12px 0' }}
          />
          <Button type="primary" onClick={() => void rate()} data-testid="portal-rate">
            提交评价
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
