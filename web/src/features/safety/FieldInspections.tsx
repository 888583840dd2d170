/**
 * The field app's inspection tab: the inspector's targets for today (cached on the device), and the
 * result of each — findings and a camera photo — queued in the outbox, so it works offline.
 */
import { Button, Card, Form, List, Space, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiAnswer } from '../../api/client';
import type { Outgoing } from '../field/queue';
import { shrinkPhoto } from '../field/queue';
import { type Finding, ResultFields, resultBody, today } from './ResultFields';
import './strings';

export type InspectorTarget = ApiAnswer<'get', '/api/safety/my-targets'>[number];

export function FieldInspections(props: {
  targets: InspectorTarget[];
  outbox: Outgoing[];
  onQueued(item: Omit<Outgoing, 'key' | 'createdAt' | 'attempts'>): void;
}) {
  const { t } = useTranslation();
  const [open, setOpen] = useState<string | null>(null);
  const queued = (x: InspectorTarget) => props.outbox.some((o) => o.url.endsWith(`/targets/${x.id}/result`));
  return (
    <List
      dataSource={props.targets}
      locale={{ emptyText: t('safety.noTargets') }}
      data-testid="field-inspections"
      renderItem={(x) => (
        <List.Item>
          <Space direction="vertical" style={{ width: '100%' }}>
            <Space wrap>
              <Typography.Text strong>{x.placeName}</Typography.Text>
              {x.result ? (
                <Tag color={x.result === 'hazards_found' ? 'red' : 'green'}>
                  {t(`safety.results.${x.result}`)}
                </Tag>
              ) : queued(x) ? (
                <Tag color="orange">{t('safety.waitingSync')}</Tag>
              ) : (
                <Tag>{t('safety.pending')}</Tag>
              )}
            </Space>
            <Typography.Text type="secondary">
              {x.planTitle} · {x.industry} · {x.address || x.creditCode || ''}
            </Typography.Text>
            <Typography.Text type="secondary">
              {x.inspectors
                .map((i) => t('safety.person', { name: i.name, unit: i.unit }))
                .join(t('safety.sep'))}
            </Typography.Text>
            {!x.result && !queued(x) && open !== x.id && (
              <Button
                size="small"
                type="primary"
                onClick={() => setOpen(x.id)}
                data-testid="field-target-enter"
              >
                {t('safety.enterResult')}
              </Button>
            )}
            {open === x.id && (
              <ResultCard
                target={x}
                onDone={(item) => {
                  props.onQueued(item);
                  setOpen(null);
                }}
              />
            )}
          </Space>
        </List.Item>
      )}
    />
  );
}

function ResultCard(props: {
  target: InspectorTarget;
  onDone(item: Omit<Outgoing, 'key' | 'createdAt' | 'attempts'>): void;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm();
  const [photo, setPhoto] = useState<string | null>(null);
  const x = props.target;
  return (
    <Card size="small">
      <Form
        form={form}
        layout="vertical"
        initialValues={{ result: 'no_problem' }}
        onFinish={(v: { result: string; note?: string; findings?: Finding[] }) =>
          props.onDone({
            label: t('safety.resultLabel', { place: x.placeName }),
            url: `/api/safety/plans/${x.planId}/targets/${x.id}/result`,
            body: { ...resultBody({ ...v, inspectedOn: today() }), evidence: [] },
            ...(photo ? { photo } : {}),
          })
        }
      >
        <ResultFields />
        <Space direction="vertical" style={{ marginBottom: 12 }}>
          <Typography.Text>{t('safety.photo')}</Typography.Text>
          <input
            type="file"
            accept="image/*"
            capture="environment"
            data-testid="field-result-photo"
            onChange={(e) => {
              const f = e.target.files?.[0];
              if (f) void shrinkPhoto(f).then(setPhoto, () => setPhoto(null));
            }}
          />
          {photo && <img src={photo} alt="" style={{ width: 120, borderRadius: 4 }} />}
        </Space>
        <Button type="primary" htmlType="submit" block data-testid="field-result-submit">
          {t('safety.submitResult')}
        </Button>
      </Form>
    </Card>
  );
}
