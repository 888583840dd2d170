/**
 * The field app's alarm tab (报警核查): the device alarms of the worker's area that no rule made an
 * incident (cached on the device), each confirmed (核查属实, opens an incident) or called a false alarm
 * (误报) through the outbox, whose per-item idempotency key makes a resend answer the first result.
 */
import { Button, Input, List, Space, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiAnswer } from '../../api/client';
import { formatTime } from '../../app/format';
import type { Outgoing } from '../field/queue';
import './strings';

export type FieldAlarm = ApiAnswer<'get', '/api/emergency/alarms'>[number];

export function FieldAlarms(props: {
  alarms: FieldAlarm[];
  outbox: Outgoing[];
  onQueued(item: Omit<Outgoing, 'key' | 'createdAt' | 'attempts'>): void;
}) {
  const { t, i18n } = useTranslation();
  const [notes, setNotes] = useState<Record<string, string>>({});
  const queued = (a: FieldAlarm) => props.outbox.some((o) => o.url === `/api/emergency/alarms/${a.id}/check`);
  const check = (a: FieldAlarm, outcome: 'confirmed' | 'false_alarm') => {
    const action = t(outcome === 'confirmed' ? 'emergency.alarm.confirm' : 'emergency.alarm.falseAlarm');
    const fallback = t(
      outcome === 'confirmed' ? 'emergency.alarm.fieldConfirmNote' : 'emergency.alarm.fieldFalseNote',
    );
    props.onQueued({
      label: t('emergency.alarm.fieldAction', { action, device: a.deviceName }),
      url: `/api/emergency/alarms/${a.id}/check`,
      body: { outcome, note: notes[a.id]?.trim() || fallback },
    });
  };
  return (
    <List
      data-testid="field-alarms"
      dataSource={props.alarms}
      locale={{ emptyText: t('emergency.alarm.fieldEmpty') }}
      renderItem={(a) => (
        <List.Item data-testid={`field-alarm-${a.id}`}>
          <Space direction="vertical" style={{ width: '100%' }}>
            <Space wrap>
              <Typography.Text strong>{a.deviceName}</Typography.Text>
              <Tag color="orange">{a.alarmType}</Tag>
              {queued(a) && <Tag color="blue">{t('emergency.alarm.waitingSync')}</Tag>}
            </Space>
            <Typography.Text type="secondary">
              {a.building} · {formatTime(a.receivedAt, i18n.language)}
            </Typography.Text>
            {!queued(a) && (
              <>
                <Input
                  size="small"
                  placeholder={t('emergency.alarm.checkNote')}
                  value={notes[a.id] ?? ''}
                  onChange={(e) => setNotes({ ...notes, [a.id]: e.target.value })}
                />
                <Space>
                  <Button size="small" type="primary" danger onClick={() => check(a, 'confirmed')}>
                    {t('emergency.alarm.confirm')}
                  </Button>
                  <Button size="small" onClick={() => check(a, 'false_alarm')}>
                    {t('emergency.alarm.falseAlarm')}
                  </Button>
                </Space>
              </>
            )}
          </Space>
        </List.Item>
      )}
    />
  );
}
