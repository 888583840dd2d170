/**
 * The hotline console (12345/8890 接诉), keyboard-first: the caller's number brings up their earlier
 * cases; the place comes from a search over area names and the gazetteer (or the map); duplicates
 * nearby show while typing; the knowledge base answers consultations, which close on the call.
 * Tab moves on, Ctrl+Enter registers, and the case number is shown large to read back.
 */
import {
  Alert,
  App,
  AutoComplete,
  Button,
  Card,
  Col,
  Form,
  Input,
  List,
  Row,
  Select,
  Space,
  Tag,
  Typography,
} from 'antd';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  api,
  type Category,
  type Duplicate,
  get,
  type MapSettings,
  post,
  type RouteSuggestion,
} from '../../api/client';
import { useAuth } from '../../app/auth';
import { formatTime } from '../../app/format';
import { SuggestionTags } from '../cases/SuggestionTags';
import { useList } from '../org/useList';
import { AreaMap } from '../places/AreaMap';
import './strings';

interface Place {
  kind: string;
  name: string;
  detail: string;
  areaCode: string;
  lon: number | null;
  lat: number | null;
}
interface Earlier {
  id: string;
  number: string;
  title: string;
  state: string;
  createdAt: string;
  categoryName: string;
}
interface Answer {
  id: string;
  question: string;
  answer: string;
  ownerUnitName: string;
  reviewOn: string;
  reviewDue: boolean;
}
interface Values {
  phone: string;
  name?: string;
  categoryCode: string;
  description: string;
}

function useDebounced<T>(value: T, ms = 300): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setV(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return v;
}

export default function HotlinePage() {
  const { t } = useTranslation();
  const { me } = useAuth();
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const categories = useList<Category>('/api/categories');
  const [settings, setSettings] = useState<MapSettings | null>(null);
  const [earlier, setEarlier] = useState<Earlier[]>([]);
  const [placeQuery, setPlaceQuery] = useState('');
  const [placeOptions, setPlaceOptions] = useState<Place[]>([]);
  const [place, setPlace] = useState<{ name: string; lon: number; lat: number } | null>(null);
  const [duplicates, setDuplicates] = useState<Duplicate[]>([]);
  const [answers, setAnswers] = useState<Answer[]>([]);
  const [suggestion, setSuggestion] = useState<RouteSuggestion | null>(null);
  const [created, setCreated] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [key, setKey] = useState(() => crypto.randomUUID());
  const phoneRef = useRef<{ focus(): void } | null>(null);
  const category = Form.useWatch('categoryCode', form);
  const description = useDebounced(Form.useWatch('description', form) ?? '');
  const q = useDebounced(placeQuery);
  const isConsultation = category?.startsWith('request.01') ?? false;
  /** The map flies to the chosen place. */
  const placeBox = useMemo<[number, number, number, number] | null>(
    () => (place ? [place.lon - 0.002, place.lat - 0.0015, place.lon + 0.002, place.lat + 0.0015] : null),
    [place],
  );

  useEffect(() => {
    void get<MapSettings>('/api/settings/map').then(setSettings);
  }, []);
  useEffect(() => {
    if (q.trim().length < 1) return setPlaceOptions([]);
    get<Place[]>(`/api/hotline/places?q=${encodeURIComponent(q.trim())}`).then(setPlaceOptions, () =>
      setPlaceOptions([]),
    );
  }, [q]);
  useEffect(() => {
    if (!category || !place) return setDuplicates([]);
    const qs = new URLSearchParams({
      category,
      lon: String(place.lon),
      lat: String(place.lat),
      text: description,
      radius: '100',
    });
    get<Duplicate[]>(`/api/cases/duplicates?${qs}`).then(setDuplicates, () => setDuplicates([]));
  }, [category, place, description]);
  // 分拨建议: the top 3 categories for what the caller says, asked again as the operator types.
  useEffect(() => {
    if (description.trim().length < 4) return setSuggestion(null);
    let live = true;
    post<RouteSuggestion>('/api/cases/suggest', { text: description, channel: 'hotline' }).then(
      (r) => live && setSuggestion(r),
      () => live && setSuggestion(null),
    );
    return () => {
      live = false;
    };
  }, [description]);
  const acceptSuggestion = (i: number) => {
    const s = suggestion?.suggestions[i];
    if (s) form.setFieldValue('categoryCode', s.categoryCode);
  };
  useEffect(() => {
    const topic = description.trim().slice(0, 30);
    if (!isConsultation || topic.length < 2) return setAnswers([]);
    get<Answer[]>(`/api/hotline/kb?q=${encodeURIComponent(topic)}`).then(setAnswers, () => setAnswers([]));
  }, [description, isConsultation]);

  const lookupCaller = (phone: string) => {
    if (!/^[0-9+-]{3,20}$/.test(phone)) return setEarlier([]);
    get<Earlier[]>(`/api/hotline/callers/${encodeURIComponent(phone)}/cases`).then(setEarlier, () =>
      setEarlier([]),
    );
  };

  const requestOptions = useMemo(
    () =>
      categories.rows
        .filter((c) => c.kind === 'request' || c.kind === 'event' || c.kind === 'component')
        .map((c) => ({ value: c.code, label: `${c.majorName} · ${c.name}` })),
    [categories.rows],
  );

  const reset = () => {
    form.resetFields();
    setPlace(null);
    setPlaceQuery('');
    setEarlier([]);
    setSuggestion(null);
    setKey(crypto.randomUUID());
    phoneRef.current?.focus();
  };

  const register = async (closeOnCall: boolean) => {
    const v = await form.validateFields();
    if (!place) return void message.error(t('hotline.placeRequired'));
    setBusy(true);
    try {
      const c = await api<{ id: string; number: string; version: number }>(
        'POST',
        '/api/cases',
        {
          categoryCode: v.categoryCode,
          title: v.description.slice(0, 60),
          description: v.description,
          lon: place.lon,
          lat: place.lat,
          address: place.name,
          reporter: { phone: v.phone, ...(v.name ? { name: v.name } : {}) },
          source: 'hotline',
        },
        { 'idempotency-key': key },
      );
      // Record what the operator filed under against what was suggested (taken or overridden).
      if (suggestion) {
        void post(`/api/cases/suggestions/${suggestion.suggestionId}/choice`, {
          categoryCode: v.categoryCode,
          caseId: c.id,
        }).catch(() => undefined);
      }
      if (closeOnCall) {
        await post(`/api/cases/${c.id}/transitions`, {
          type: 'close',
          version: c.version,
          answeredOnCall: true,
          note: answers[0]?.answer.slice(0, 500) ?? t('hotline.answeredOnCall'),
        });
      }
      setCreated(`${c.number}${closeOnCall ? t('hotline.closedOnCall') : ''}`);
      reset();
    } catch (e) {
      void message.error(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Row gutter={16}>
      <Col xs={24} lg={12}>
        <Card
          title={t('hotline.title')}
          extra={<Typography.Text type="secondary">{t('hotline.shortcut')}</Typography.Text>}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) void register(false);
            // F2 takes the first suggested category; Alt+1/2/3 any of the three.
            if (e.key === 'F2') {
              e.preventDefault();
              acceptSuggestion(0);
            }
            if (e.altKey && ['1', '2', '3'].includes(e.key)) {
              e.preventDefault();
              acceptSuggestion(Number(e.key) - 1);
            }
          }}
        >
          {created && (
            <Alert
              type="success"
              showIcon
              closable
              onClose={() => setCreated(null)}
              title={
                <span style={{ fontSize: 20 }} data-testid="hotline-created">
                  {t('hotline.created', { number: created })}
                </span>
              }
              style={{ marginBottom: 12 }}
            />
          )}
          <Form form={form} layout="vertical">
            <Space.Compact style={{ width: '100%' }}>
              <Form.Item
                name="phone"
                label={t('hotline.phone')}
                rules={[{ required: true, pattern: /^[0-9+-]{3,20}$/ }]}
                style={{ width: '60%' }}
              >
                <Input
                  autoFocus
                  ref={(r) => {
                    phoneRef.current = r;
                  }}
                  onBlur={(e) => lookupCaller(e.target.value)}
                  data-testid="hotline-phone"
                />
              </Form.Item>
              <Form.Item name="name" label={t('hotline.name')} style={{ width: '40%' }}>
                <Input maxLength={30} />
              </Form.Item>
            </Space.Compact>
            {earlier.length > 0 && (
              <Alert
                type="info"
                title={t('hotline.earlier', { count: earlier.length })}
                description={earlier.slice(0, 5).map((e) => (
                  <div key={e.id}>
                    {e.number} {e.title} <Tag>{e.state}</Tag> {formatTime(e.createdAt)}
                  </div>
                ))}
                style={{ marginBottom: 12 }}
              />
            )}
            <Form.Item name="categoryCode" label={t('hotline.category')} rules={[{ required: true }]}>
              <Select
                showSearch
                optionFilterProp="label"
                options={requestOptions}
                data-testid="hotline-category"
              />
            </Form.Item>
            <Form.Item label={t('hotline.place')} required>
              <AutoComplete
                value={placeQuery}
                onChange={setPlaceQuery}
                data-testid="hotline-place"
                options={placeOptions.map((p, i) => ({
                  value: String(i),
                  label: `${p.name} (${p.kind === 'landmark' ? t('hotline.landmark') : p.detail})`,
                }))}
                onSelect={(i: string) => {
                  const p = placeOptions[Number(i)];
                  if (p?.lon != null && p.lat != null) {
                    setPlace({ name: p.name, lon: p.lon, lat: p.lat });
                    setPlaceQuery(p.name);
                  }
                }}
                placeholder={t('hotline.placeHint')}
              />
              {place && (
                <Typography.Text type="secondary" data-testid="hotline-point">
                  {place.name} · {place.lat.toFixed(5)}, {place.lon.toFixed(5)}
                </Typography.Text>
              )}
            </Form.Item>
            <Form.Item
              name="description"
              label={t('hotline.description')}
              rules={[{ required: true, min: 4 }]}
            >
              <Input.TextArea rows={4} maxLength={4000} data-testid="hotline-description" />
            </Form.Item>
            {suggestion && (
              <SuggestionTags
                suggestion={suggestion}
                testId="hotline-suggestion"
                onAccept={acceptSuggestion}
              />
            )}
            {duplicates.length > 0 && (
              <Alert
                type="warning"
                showIcon
                title={t('hotline.duplicates')}
                data-testid="hotline-duplicates"
                description={duplicates.map((d) => (
                  <div key={d.id}>
                    {d.number} {d.title}{' '}
                    {d.distanceM !== null ? `· ${t('hotline.metres', { metres: d.distanceM })}` : ''}
                  </div>
                ))}
                style={{ marginBottom: 12 }}
              />
            )}
            <Space>
              <Button
                type="primary"
                loading={busy}
                onClick={() => void register(false)}
                data-testid="hotline-submit"
              >
                {t('hotline.register')}
              </Button>
              {isConsultation && (
                <Button loading={busy} onClick={() => void register(true)}>
                  {t('hotline.closeOnCall')}
                </Button>
              )}
              <Button onClick={reset}>{t('hotline.clear')}</Button>
            </Space>
          </Form>
        </Card>
      </Col>
      <Col xs={24} lg={12}>
        {answers.length > 0 && (
          <Card size="small" title={t('hotline.knowledge')} style={{ marginBottom: 12 }}>
            <List
              dataSource={answers}
              renderItem={(a) => (
                <List.Item>
                  <List.Item.Meta
                    title={
                      <span>
                        {a.question} {a.reviewDue && <Tag color="red">{t('hotline.reviewDue')}</Tag>}
                      </span>
                    }
                    description={
                      <span style={{ whiteSpace: 'pre-wrap' }}>
                        {a.answer}
                        {t('hotline.answerSource', { unit: a.ownerUnitName, on: a.reviewOn })}
                      </span>
                    }
                  />
                </List.Item>
              )}
            />
          </Card>
        )}
        <Card styles={{ body: { padding: 0, height: 520 } }}>
          {settings && me && (
            <AreaMap
              settings={settings}
              scope={me.scope}
              selected={null}
              bbox={placeBox}
              marker={place ? [place.lon, place.lat] : null}
              onPoint={(lon, lat) => {
                setPlace({ name: t('hotline.mapPoint'), lon, lat });
                setPlaceQuery(t('hotline.mapPoint'));
              }}
            />
          )}
        </Card>
      </Col>
    </Row>
  );
}
