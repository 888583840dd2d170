/** One hazard: its facts, photos, the hash-chained time line, and the lifecycle steps the server allows now. */
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  Descriptions,
  Form,
  Image,
  Input,
  Modal,
  Radio,
  Row,
  Select,
  Space,
  Spin,
  Timeline,
  Typography,
} from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { get, post, type Unit } from '../../api/client';
import { formatTime } from '../../app/format';
import { useList } from '../org/useList';
import { type HazardDetailT, HazardTags } from './Hazards';

type Action = 'assign' | 'start' | 'apply' | 'recheck' | 'close';

export function HazardDetail() {
  const { id = '' } = useParams();
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const [h, setH] = useState<HazardDetailT | null>(null);
  const [acting, setActing] = useState<Action | null>(null);
  const load = useCallback(
    () =>
      get<HazardDetailT>(`/api/safety/hazards/${id}`).then(setH, (e: unknown) =>
        message.error(e instanceof Error ? e.message : String(e)),
      ),
    [id, message],
  );
  useEffect(() => void load(), [load]);
  if (!h) return <Spin />;

  const act = async (body: Record<string, unknown>) => {
    try {
      setH(await post<HazardDetailT>(`/api/safety/hazards/${id}/transitions`, body));
      setActing(null);
    } catch (e) {
      void message.error(e instanceof Error ? e.message : String(e));
    }
  };

  return (
    <Row gutter={16}>
      <Col xs={24} lg={14}>
        <Card
          title={
            <Space>
              {h.placeName}
              <span data-testid="hazard-state">{t(`safety.states.${h.state}`)}</span>
            </Space>
          }
          extra={<Link to="/safety/hazards">{t('safety.hazards')}</Link>}
        >
          <HazardTags h={h} />
          <Descriptions column={1} size="small" style={{ marginTop: 12 }}>
            <Descriptions.Item label={t('safety.description')}>
              <span style={{ whiteSpace: 'pre-wrap' }}>{h.description}</span>
            </Descriptions.Item>
            <Descriptions.Item label={t('safety.class')}>{h.class}</Descriptions.Item>
            <Descriptions.Item label={t('safety.industry')}>{h.industry}</Descriptions.Item>
            <Descriptions.Item label={t('safety.foundBy')}>
              {t(`safety.foundBys.${h.foundBy}`)}
            </Descriptions.Item>
            <Descriptions.Item label={t('safety.deadline')}>
              {formatTime(h.deadline, i18n.language)}
            </Descriptions.Item>
            <Descriptions.Item label={t('safety.measures')}>{h.measures || '—'}</Descriptions.Item>
            <Descriptions.Item label={t('safety.responsiblePerson')}>
              {h.responsiblePerson || '—'}
            </Descriptions.Item>
            <Descriptions.Item label={t('safety.funds')}>{h.funds ?? '—'}</Descriptions.Item>
            {h.caseId && (
              <Descriptions.Item label={t('safety.fromCaseLink')}>
                <Link to={`/cases/${h.caseId}`}>{h.caseId}</Link>
              </Descriptions.Item>
            )}
          </Descriptions>
          {h.photos.length > 0 && (
            <Image.PreviewGroup>
              <Space wrap>
                {h.photos.map((p) => (
                  <Image
                    key={p}
                    width={96}
                    src={`/api/safety/hazards/${h.id}/photos/${p}?thumb=1`}
                    preview={{ src: `/api/safety/hazards/${h.id}/photos/${p}` }}
                  />
                ))}
              </Space>
            </Image.PreviewGroup>
          )}
          <Space style={{ marginTop: 16 }} wrap>
            {(h.actions as Action[]).map((a) => (
              <Button
                key={a}
                type={a === 'close' ? 'primary' : 'default'}
                data-testid={`hazard-act-${a}`}
                onClick={() => (a === 'start' || a === 'close' ? void act({ type: a }) : setActing(a))}
              >
                {t(`safety.actions.${a}`)}
              </Button>
            ))}
          </Space>
        </Card>
      </Col>
      <Col xs={24} lg={10}>
        <Card title={t('safety.timeline')}>
          <Alert
            type={h.chainValid ? 'success' : 'error'}
            showIcon
            title={h.chainValid ? t('safety.chainValid') : t('safety.chainBroken')}
            style={{ marginBottom: 12 }}
          />
          <Timeline
            data-testid="hazard-timeline"
            items={h.events.map((e) => ({
              key: e.seq,
              color: e.type === 'overdue' ? 'red' : e.type === 'close' ? 'green' : 'blue',
              children: (
                <div>
                  <b>{t(`safety.events.${e.type}`, { defaultValue: e.type })}</b> · {e.actorName}
                  <br />
                  <Typography.Text type="secondary">{formatTime(e.at, i18n.language)}</Typography.Text>
                  {e.note && <div style={{ whiteSpace: 'pre-wrap' }}>{e.note}</div>}
                  <Typography.Text type="secondary" style={{ fontSize: 11 }} copyable={{ text: e.hash }}>
                    {e.hash.slice(0, 12)}
                  </Typography.Text>
                </div>
              ),
            }))}
          />
        </Card>
      </Col>
      <ActionDialog action={acting} onClose={() => setActing(null)} onSubmit={(b) => void act(b)} />
    </Row>
  );
}

function ActionDialog(props: {
  action: Action | null;
  onClose(): void;
  onSubmit(body: Record<string, unknown>): void;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm();
  const units = useList<Unit>(props.action === 'assign' ? '/api/units' : null);
  const a = props.action;
  return (
    <Modal
      open={a !== null}
      title={a ? t(`safety.actions.${a}`) : ''}
      onCancel={props.onClose}
      onOk={() => form.submit()}
      destroyOnHidden
    >
      <Form
        form={form}
        layout="vertical"
        initialValues={{ passed: true, note: '' }}
        onFinish={(v: { unitId?: string; note?: string; passed?: boolean }) =>
          props.onSubmit(
            a === 'assign'
              ? { type: a, unitId: v.unitId }
              : a === 'recheck'
                ? { type: a, passed: v.passed, note: v.note ?? '' }
                : { type: a, note: v.note ?? '' },
          )
        }
      >
        {a === 'assign' ? (
          <Form.Item name="unitId" label={t('safety.unit')} rules={[{ required: true }]}>
            <Select
              showSearch
              optionFilterProp="label"
              data-testid="hazard-unit"
              options={units.rows.map((u) => ({ value: u.id, label: u.name }))}
            />
          </Form.Item>
        ) : (
          <>
            {a === 'recheck' && (
              <Form.Item name="passed">
                <Radio.Group>
                  <Radio value={true}>{t('safety.passed')}</Radio>
                  <Radio value={false}>{t('safety.failed')}</Radio>
                </Radio.Group>
              </Form.Item>
            )}
            <Form.Item name="note" label={t('safety.note')} rules={[{ required: true, min: 2 }]}>
              <Input.TextArea rows={3} data-testid="hazard-note" />
            </Form.Item>
          </>
        )}
      </Form>
    </Modal>
  );
}
