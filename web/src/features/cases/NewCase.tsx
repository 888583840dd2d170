/** Reporting a case (上报): category, place on the map, description, photos; duplicates nearby are shown first. */
import { Alert, App, Button, Card, Col, Form, Input, List, Row, Select, Space, Tag, Upload } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import {
  api,
  type Category,
  type Duplicate,
  get,
  type Located,
  type MapSettings,
  post,
  type RouteSuggestion,
  uploadFile,
} from '../../api/client';
import { useAuth } from '../../app/auth';
import { useList } from '../org/useList';
import { AreaMap } from '../places/AreaMap';
import { SuggestionTags } from './SuggestionTags';

interface Values {
  categoryCode: string;
  title: string;
  description: string;
  address: string;
  attributes?: Record<string, string | string[]>;
}

/** The category's extra fields (立结案标准 attributes), as form inputs under `attributes.<code>`. */
function AttributeFields(props: { category: Category | undefined }) {
  return (props.category?.attributes ?? []).map((a) => (
    <Form.Item
      key={a.code}
      name={['attributes', a.code]}
      label={a.description}
      rules={a.required ? [{ required: true }] : []}
    >
      {a.datatype === 'singlevaluelist' || a.datatype === 'multivaluelist' ? (
        <Select
          mode={a.datatype === 'multivaluelist' ? 'multiple' : undefined}
          options={(a.values ?? []).map((v) => ({ value: v.key, label: v.name }))}
          data-testid={`attr-${a.code}`}
        />
      ) : a.datatype === 'number' ? (
        <Input type="number" />
      ) : a.datatype === 'datetime' ? (
        <Input type="datetime-local" />
      ) : (
        <Input maxLength={1000} />
      )}
    </Form.Item>
  ));
}

export function NewCase() {
  const { t } = useTranslation();
  const { me } = useAuth();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const [form] = Form.useForm<Values>();
  const categories = useList<Category>('/api/categories');
  const [settings, setSettings] = useState<MapSettings | null>(null);
  const [point, setPoint] = useState<[number, number] | null>(null);
  const [located, setLocated] = useState<Located | null>(null);
  const [placeError, setPlaceError] = useState<string | null>(null);
  const [photos, setPhotos] = useState<string[]>([]);
  const [duplicates, setDuplicates] = useState<Duplicate[]>([]);
  const [busy, setBusy] = useState(false);
  // One key per report: a resend after a lost answer returns the same case instead of making another.
  const idempotencyKey = useMemo(() => crypto.randomUUID(), []);
  const category = Form.useWatch('categoryCode', form);
  const title = Form.useWatch('title', form);
  const descriptionText = Form.useWatch('description', form);
  const [suggestion, setSuggestion] = useState<RouteSuggestion | null>(null);
  // 分拨建议: the top 3 categories for the title and description, asked again as they change.
  useEffect(() => {
    const text = `${descriptionText ?? ''}`;
    if (`${title ?? ''}${text}`.trim().length < 4) return setSuggestion(null);
    let live = true;
    const timer = setTimeout(() => {
      post<RouteSuggestion>('/api/cases/suggest', { subject: title ?? '', text, channel: 'staff' }).then(
        (r) => live && setSuggestion(r),
        () => live && setSuggestion(null),
      );
    }, 300);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [title, descriptionText]);
  const acceptSuggestion = (i: number) => {
    const s = suggestion?.suggestions[i];
    if (s) form.setFieldValue('categoryCode', s.categoryCode);
  };

  useEffect(() => {
    void get<MapSettings>('/api/settings/map').then(setSettings);
  }, []);

  const pick = (lon: number, lat: number) => {
    setPoint([lon, lat]);
    get<Located>(`/api/locate?lon=${lon}&lat=${lat}`)
      .then((l) => {
        setLocated(l);
        setPlaceError(null);
      })
      .catch((e: Error) => {
        setLocated(null);
        setPlaceError(e.message);
      });
  };

  useEffect(() => {
    if (!category || !point) return setDuplicates([]);
    const qs = new URLSearchParams({
      category,
      lon: String(point[0]),
      lat: String(point[1]),
      text: title ?? '',
    });
    get<Duplicate[]>(`/api/cases/duplicates?${qs}`).then(setDuplicates, () => setDuplicates([]));
  }, [category, point, title]);

  const submit = async (v: Values) => {
    if (!point || !located) return setPlaceError(t('cases.pickOnMap'));
    setBusy(true);
    try {
      const attributes = Object.fromEntries(
        Object.entries(v.attributes ?? {})
          .filter(([, x]) => x !== undefined && x !== '')
          .map(([k, x]) => [k, Array.isArray(x) ? x : String(x)]),
      );
      const body = { ...v, attributes, lon: point[0], lat: point[1], evidence: photos };
      const created = await api<{ id: string; number: string }>('POST', '/api/cases', body, {
        'idempotency-key': idempotencyKey,
      });
      // Record what was filed under against what was suggested (taken or overridden).
      if (suggestion) {
        void post(`/api/cases/suggestions/${suggestion.suggestionId}/choice`, {
          categoryCode: v.categoryCode,
          caseId: created.id,
        }).catch(() => undefined);
      }
      void message.success(t('cases.created', { number: created.number }));
      void navigate(`/cases/${created.id}`);
    } catch (e) {
      void message.error(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };

  const options = useMemo(() => {
    const groups = new Map<string, { label: string; options: { value: string; label: string }[] }>();
    for (const c of categories.rows) {
      const key = `${c.kind}.${c.majorCode}`;
      if (!groups.has(key))
        groups.set(key, { label: `${t(`cases.kinds.${c.kind}`)} · ${c.majorName}`, options: [] });
      groups.get(key)?.options.push({ value: c.code, label: `${c.name}（${c.code}）` });
    }
    return [...groups.values()];
  }, [categories.rows, t]);

  return (
    <Row gutter={16}>
      <Col xs={24} lg={10}>
        <Card
          title={t('cases.new')}
          onKeyDown={(e) => {
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
          <Form
            form={form}
            layout="vertical"
            onFinish={(v) => void submit(v)}
            initialValues={{ description: '', address: '' }}
          >
            <Form.Item
              name="categoryCode"
              label={t('cases.category')}
              rules={[{ required: true, message: t('login.required') }]}
            >
              <Select showSearch optionFilterProp="label" options={options} data-testid="category" />
            </Form.Item>
            <AttributeFields category={categories.rows.find((c) => c.code === category)} />
            <Form.Item
              name="title"
              label={t('cases.title')}
              rules={[{ required: true, min: 2, max: 200, message: t('login.required') }]}
            >
              <Input maxLength={200} data-testid="title" />
            </Form.Item>
            <Form.Item name="description" label={t('cases.description')}>
              <Input.TextArea rows={3} maxLength={4000} showCount />
            </Form.Item>
            {suggestion && (
              <SuggestionTags suggestion={suggestion} testId="case-suggestion" onAccept={acceptSuggestion} />
            )}
            <Form.Item name="address" label={t('cases.address')}>
              <Input maxLength={200} />
            </Form.Item>
            <Form.Item label={t('cases.place')} required>
              {located ? (
                <Tag color="blue" data-testid="located">
                  {located.street.name} · {located.community.name} · {located.grid.code}
                </Tag>
              ) : (
                <span>{t('cases.pickOnMap')}</span>
              )}
              {placeError && <Alert type="error" title={placeError} showIcon style={{ marginTop: 8 }} />}
            </Form.Item>
            <Form.Item label={t('cases.photos')}>
              <Upload
                accept="image/jpeg,image/png,image/webp"
                listType="picture"
                data-testid="photos"
                customRequest={({ file, onSuccess, onError }) => {
                  uploadFile(file as File, (file as File).name)
                    .then((f) => {
                      setPhotos((p) => [...p, f.hash]);
                      onSuccess?.(f);
                    })
                    .catch((e: Error) => {
                      void message.error(e.message);
                      onError?.(e);
                    });
                }}
              >
                <Button>{t('cases.upload')}</Button>
              </Upload>
            </Form.Item>
            {duplicates.length > 0 && (
              <Alert
                type="warning"
                showIcon
                title={t('cases.duplicates')}
                description={
                  <List
                    size="small"
                    dataSource={duplicates}
                    renderItem={(d) => (
                      <List.Item>
                        <Link to={`/cases/${d.id}`}>{d.number}</Link> {d.title}{' '}
                        {d.distanceM !== null && <Tag>{t('cases.distance', { m: d.distanceM })}</Tag>}
                      </List.Item>
                    )}
                  />
                }
                style={{ marginBottom: 16 }}
              />
            )}
            <Space>
              <Button type="primary" htmlType="submit" loading={busy} data-testid="submit-case">
                {t('cases.submit')}
              </Button>
              <Button onClick={() => navigate('/cases')}>{t('common.cancel')}</Button>
            </Space>
          </Form>
        </Card>
      </Col>
      <Col xs={24} lg={14}>
        <Card styles={{ body: { padding: 0, height: 600 } }}>
          {settings && me && (
            <AreaMap
              settings={settings}
              scope={me.scope}
              selected={located?.grid.code ?? null}
              bbox={null}
              onPoint={pick}
              marker={point}
            />
          )}
        </Card>
      </Col>
    </Row>
  );
}
