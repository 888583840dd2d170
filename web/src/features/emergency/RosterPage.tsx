/** The duty roster (值班表): this week's shifts of the units the caller sees, who is on duty, handovers. */
import { App, Button, Card, DatePicker, Form, Input, Modal, Select, Space, Table, Tag } from 'antd';
import type { Dayjs } from 'dayjs';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type ApiAnswer, get, post } from '../../api/client';
import { useAuth } from '../../app/auth';
import { formatTime } from '../../app/format';
import './strings';

type Shift = ApiAnswer<'get', '/api/emergency/roster'>[number];
type Unit = ApiAnswer<'get', '/api/units'>[number];
type User = ApiAnswer<'get', '/api/users'>[number];

const EDIT = ['shift_lead', 'leader', 'admin'];

export default function RosterPage() {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const { me } = useAuth();
  const edits = (me?.roles ?? []).some((r) => EDIT.includes(r));
  const [shifts, setShifts] = useState<Shift[]>([]);
  const [units, setUnits] = useState<Unit[]>([]);
  const [users, setUsers] = useState<User[]>([]);
  const [adding, setAdding] = useState(false);
  const [handing, setHanding] = useState<Shift | null>(null);
  const [form] = Form.useForm();
  const [noteForm] = Form.useForm();
  const load = useCallback(async () => {
    const from = new Date(Date.now() - 86_400_000).toISOString();
    const to = new Date(Date.now() + 7 * 86_400_000).toISOString();
    setShifts(
      await get<Shift[]>(
        `/api/emergency/roster?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`,
      ),
    );
  }, []);
  useEffect(() => {
    void load();
    void get<Unit[]>('/api/units')
      .then(setUnits)
      .catch(() => undefined);
    if (me?.roles.includes('admin'))
      void get<User[]>('/api/users')
        .then(setUsers)
        .catch(() => undefined);
  }, [load, me]);
  const unitId: string | undefined = Form.useWatch('unitId', form);
  const fail = (e: unknown) => void message.error(e instanceof Error ? e.message : String(e));
  return (
    <Card
      title={t('emergency.roster.title')}
      extra={
        edits ? (
          <Button type="primary" onClick={() => setAdding(true)}>
            {t('emergency.roster.add')}
          </Button>
        ) : null
      }
    >
      <Table
        rowKey="id"
        size="small"
        data-testid="roster"
        dataSource={shifts}
        pagination={{ pageSize: 20 }}
        columns={[
          { title: t('emergency.roster.unit'), dataIndex: 'unitName' },
          { title: t('emergency.roster.role'), render: (_, s) => t(`emergency.roster.roles.${s.role}`) },
          { title: t('emergency.roster.person'), dataIndex: 'userName' },
          { title: t('emergency.roster.phone'), dataIndex: 'phone' },
          { title: t('emergency.roster.from'), render: (_, s) => formatTime(s.startsAt, i18n.language) },
          { title: t('emergency.roster.to'), render: (_, s) => formatTime(s.endsAt, i18n.language) },
          {
            title: '',
            render: (_, s) => (
              <Space>
                {s.onDuty && <Tag color="green">{t('emergency.roster.onDutyNow')}</Tag>}
                {s.handover ? (
                  <Tag title={s.handover.note}>
                    {t('emergency.roster.handedOver')} · {s.handover.byName}
                  </Tag>
                ) : (s.onDuty || new Date(s.endsAt) < new Date()) && (edits || s.userId === me?.id) ? (
                  <Button size="small" onClick={() => setHanding(s)}>
                    {t('emergency.roster.handover')}
                  </Button>
                ) : null}
              </Space>
            ),
          },
        ]}
      />
      <Modal
        open={adding}
        title={t('emergency.roster.add')}
        okText={t('emergency.ok')}
        cancelText={t('emergency.cancel')}
        onCancel={() => setAdding(false)}
        onOk={() => form.submit()}
        destroyOnHidden
      >
        <Form
          form={form}
          layout="vertical"
          onFinish={(v: {
            unitId: string;
            userId: string;
            role: string;
            period: [Dayjs, Dayjs];
            phone?: string;
          }) =>
            void post('/api/emergency/roster/shifts', {
              unitId: v.unitId,
              userId: v.userId,
              role: v.role,
              startsAt: v.period[0].toISOString(),
              endsAt: v.period[1].toISOString(),
              phone: v.phone ?? '',
            })
              .then(() => {
                setAdding(false);
                form.resetFields();
                void load();
              })
              .catch(fail)
          }
        >
          <Form.Item name="unitId" label={t('emergency.roster.unit')} rules={[{ required: true }]}>
            <Select
              showSearch
              optionFilterProp="label"
              options={units.map((u) => ({ value: u.id, label: u.name }))}
            />
          </Form.Item>
          <Form.Item name="userId" label={t('emergency.roster.person')} rules={[{ required: true }]}>
            {users.length ? (
              <Select
                showSearch
                optionFilterProp="label"
                options={users
                  .filter((u) => !unitId || u.unitId === unitId)
                  .map((u) => ({ value: u.id, label: u.displayName }))}
              />
            ) : (
              <Input />
            )}
          </Form.Item>
          <Form.Item
            name="role"
            label={t('emergency.roster.role')}
            rules={[{ required: true }]}
            initialValue="officer"
          >
            <Select
              options={(['leader', 'officer', 'liaison'] as const).map((r) => ({
                value: r,
                label: t(`emergency.roster.roles.${r}`),
              }))}
            />
          </Form.Item>
          <Form.Item
            name="period"
            label={`${t('emergency.roster.from')} – ${t('emergency.roster.to')}`}
            rules={[{ required: true }]}
          >
            <DatePicker.RangePicker showTime />
          </Form.Item>
          <Form.Item name="phone" label={t('emergency.roster.phone')}>
            <Input />
          </Form.Item>
        </Form>
      </Modal>
      <Modal
        open={handing !== null}
        title={t('emergency.roster.handover')}
        okText={t('emergency.ok')}
        cancelText={t('emergency.cancel')}
        onCancel={() => setHanding(null)}
        onOk={() => noteForm.submit()}
        destroyOnHidden
      >
        <Form
          form={noteForm}
          layout="vertical"
          onFinish={(v: { note: string }) =>
            handing &&
            void post(`/api/emergency/roster/shifts/${handing.id}/handover`, { note: v.note })
              .then(() => {
                setHanding(null);
                void load();
              })
              .catch(fail)
          }
        >
          <Form.Item name="note" label={t('emergency.roster.handoverNote')} rules={[{ required: true }]}>
            <Input.TextArea rows={3} />
          </Form.Item>
        </Form>
      </Modal>
    </Card>
  );
}
