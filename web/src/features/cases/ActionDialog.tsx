/** One dialog for every transition: the fields each command needs, sent with the version the user saw. */
import { App, Button, Form, Input, InputNumber, Modal, Radio, Select, Switch, Upload } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type CaseDetail, type CaseSummary, get, post, type Unit, uploadFile } from '../../api/client';
import { useList } from '../org/useList';

type Values = Record<string, unknown>;

/** Commands that need nothing but an optional note are confirmed in one click. */
const NOTE_ONLY = new Set(['verify_request', 'file', 'sign', 'resume', 'escalate']);

export function ActionButtons(props: { c: CaseDetail; onDone(): void }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState<string | null>(null);
  return (
    <>
      {props.c.actions.map((a) => (
        <Button
          key={a}
          data-testid={`action-${a}`}
          type={a === props.c.actions[0] ? 'primary' : 'default'}
          onClick={() => setOpen(a)}
        >
          {t(`cases.act.${a}`)}
        </Button>
      ))}
      {open && (
        <ActionDialog
          c={props.c}
          type={open}
          onClose={(done) => {
            setOpen(null);
            if (done) props.onDone();
          }}
        />
      )}
    </>
  );
}

export function EvidenceUpload(props: { value?: string[]; onChange?(v: string[]): void }) {
  const { message } = App.useApp();
  const { t } = useTranslation();
  return (
    <Upload
      accept="image/jpeg,image/png,image/webp,application/pdf"
      listType="picture"
      customRequest={({ file, onSuccess, onError }) => {
        uploadFile(file as File, (file as File).name)
          .then((f) => {
            props.onChange?.([...(props.value ?? []), f.hash]);
            onSuccess?.(f);
          })
          .catch((e: Error) => {
            void message.error(e.message);
            onError?.(e);
          });
      }}
    >
      <Button data-testid="evidence-upload">{t('cases.upload')}</Button>
    </Upload>
  );
}

function ActionDialog(props: { c: CaseDetail; type: string; onClose(done: boolean): void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const [busy, setBusy] = useState(false);
  const needsUnits = ['dispatch', 'whistle'].includes(props.type);
  const units = useList<Unit>(needsUnits ? '/api/units' : null);
  const unitOptions = needsUnits
    ? units.rows.filter((u) => u.active).map((u) => ({ value: u.id, label: u.name }))
    : [];
  const mode = Form.useWatch('mode', form);
  const [matches, setMatches] = useState<CaseSummary[]>([]);
  const { c, type } = props;

  const submit = async (v: Values) => {
    const body: Values = { type, version: c.version, ...v };
    if (type === 'extend_request') {
      body.limit = { value: v.limitValue, unit: v.limitUnit };
      delete body.limitValue;
      delete body.limitUnit;
    }
    if (type === 'whistle_rate') {
      body.ratings = (c.whistle?.units ?? []).map((u) => ({
        unitId: u.unitId,
        score: v[`score_${u.unitId}`],
      }));
      for (const u of c.whistle?.units ?? []) delete body[`score_${u.unitId}`];
    }
    if (type === 'feedback' && !Array.isArray(body.evidence)) body.evidence = [];
    setBusy(true);
    try {
      await post(`/api/cases/${c.id}/transitions`, body);
      void message.success(t('cases.done'));
      props.onClose(true);
    } catch (e) {
      void message.error(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };

  const required = [{ required: true, message: t('login.required') }];
  const note = (label = 'note', rules: typeof required = []) => (
    <Form.Item name={label === 'reason' ? 'reason' : 'note'} label={t(`cases.field.${label}`)} rules={rules}>
      <Input.TextArea rows={3} maxLength={2000} data-testid="action-note" />
    </Form.Item>
  );
  // 公开答复: the only words of a step that the public (Open311, the portal) ever sees.
  const publicReply = (
    <Form.Item name="publicReply" label={t('cases.field.publicReply')}>
      <Input.TextArea rows={2} maxLength={2000} data-testid="action-public-reply" />
    </Form.Item>
  );

  const fields = () => {
    if (NOTE_ONLY.has(type)) return note();
    switch (type) {
      case 'verify_report':
        return (
          <>
            <Form.Item
              name="found"
              label={t('cases.field.found')}
              valuePropName="checked"
              initialValue={true}
            >
              <Switch />
            </Form.Item>
            {note('note', required)}
          </>
        );
      case 'reject':
        return (
          <>
            {note('reason', required)}
            {publicReply}
          </>
        );
      case 'suspend':
      case 'reopen':
        return note('reason', required);
      case 'urge':
        return note('note', required);
      case 'merge':
        return (
          <Form.Item name="intoCaseId" label={t('cases.field.intoCase')} rules={required}>
            <Select
              showSearch
              filterOption={false}
              onSearch={(q) => {
                if (q.length >= 2)
                  void get<{ items: CaseSummary[] }>(`/api/cases?q=${encodeURIComponent(q)}&limit=10`).then(
                    (r) => setMatches(r.items),
                  );
              }}
              options={matches
                .filter((m) => m.id !== c.id)
                .map((m) => ({ value: m.id, label: `${m.number} ${m.title}` }))}
            />
          </Form.Item>
        );
      case 'dispatch':
        return (
          <>
            <Form.Item
              name="mode"
              label={t('cases.field.mode')}
              initialValue={c.suggestedUnitId ? 'auto' : 'manual'}
            >
              <Radio.Group
                options={['auto', 'manual', 'forced'].map((m) => ({
                  value: m,
                  label: t(`cases.modes.${m}`),
                }))}
              />
            </Form.Item>
            {mode === 'auto' ? (
              <p>
                {t('cases.suggested')}: <b>{c.suggestedUnitName ?? '—'}</b>
              </p>
            ) : (
              <Form.Item name="unitId" label={t('cases.field.unitId')} rules={required}>
                <Select showSearch optionFilterProp="label" options={unitOptions} />
              </Form.Item>
            )}
            {note()}
          </>
        );
      case 'return':
        return (
          <>
            <Form.Item name="reason" label={t('cases.field.returnReason')} rules={required}>
              <Select
                options={['wrong_area', 'unclear_ownership', 'overlapping_duty', 'other'].map((r) => ({
                  value: r,
                  label: t(`cases.returnReasons.${r}`),
                }))}
              />
            </Form.Item>
            <Form.Item name="text" label={t('cases.field.reason')} rules={required}>
              <Input.TextArea rows={3} maxLength={2000} />
            </Form.Item>
          </>
        );
      case 'feedback':
      case 'check':
        return (
          <>
            {type === 'check' && (
              <Form.Item name="pass" label={t('cases.field.pass')} initialValue={true}>
                <Radio.Group
                  options={[
                    { value: true, label: t('cases.field.passed') },
                    { value: false, label: t('cases.field.failed') },
                  ]}
                />
              </Form.Item>
            )}
            {note('note', required)}
            <Form.Item
              name="evidence"
              label={t('cases.field.evidence')}
              rules={type === 'feedback' ? required : []}
            >
              <EvidenceUpload />
            </Form.Item>
          </>
        );
      case 'extend_request':
        return (
          <>
            <Form.Item label={t('cases.field.limit')} required>
              <Form.Item name="limitValue" noStyle rules={required} initialValue={1}>
                <InputNumber min={0.5} max={365} step={0.5} />
              </Form.Item>{' '}
              <Form.Item name="limitUnit" noStyle initialValue="work_day">
                <Select
                  style={{ width: 120 }}
                  options={['work_hour', 'work_day', 'natural_day'].map((u) => ({
                    value: u,
                    label: t(`cases.units.${u}`),
                  }))}
                />
              </Form.Item>
            </Form.Item>
            {note('reason', required)}
          </>
        );
      case 'extend_decide':
        return (
          <>
            <p>
              {c.extensionRequested?.limit.value}{' '}
              {t(`cases.units.${c.extensionRequested?.limit.unit ?? 'work_day'}`)}：
              {c.extensionRequested?.reason}
            </p>
            <Form.Item
              name="approve"
              label={t('cases.field.approve')}
              valuePropName="checked"
              initialValue={true}
            >
              <Switch />
            </Form.Item>
            {note()}
          </>
        );
      case 'close':
        return (
          <>
            {c.state !== 'handled' && (
              <Form.Item
                name="answeredOnCall"
                label={t('cases.field.answeredOnCall')}
                valuePropName="checked"
                initialValue={true}
              >
                <Switch />
              </Form.Item>
            )}
            {note()}
            {publicReply}
          </>
        );
      case 'rate':
        return (
          <>
            <Form.Item name="rating" label={t('cases.field.rating')} rules={required}>
              <Radio.Group
                options={['satisfied', 'basically', 'unsatisfied'].map((r) => ({
                  value: r,
                  label: t(`cases.ratings.${r}`),
                }))}
              />
            </Form.Item>
            <Form.Item name="comment" label={t('cases.field.note')}>
              <Input.TextArea rows={2} maxLength={2000} />
            </Form.Item>
          </>
        );
      case 'whistle':
        return (
          <>
            <Form.Item name="unitIds" label={t('cases.field.units')} rules={required}>
              <Select mode="multiple" showSearch optionFilterProp="label" options={unitOptions} />
            </Form.Item>
            <Form.Item name="leadUnitId" label={t('cases.field.lead')} rules={required}>
              <Select showSearch optionFilterProp="label" options={unitOptions} />
            </Form.Item>
            <Form.Item name="reportMinutes" label={t('cases.field.minutes')} initialValue={30}>
              <InputNumber min={1} max={1440} />
            </Form.Item>
            {note()}
          </>
        );
      case 'whistle_report':
        return (
          <>
            <Form.Item name="person" label={t('cases.field.person')} rules={required}>
              <Input maxLength={60} />
            </Form.Item>
            <Form.Item name="place" label={t('cases.field.place')} rules={required}>
              <Input maxLength={200} />
            </Form.Item>
          </>
        );
      case 'whistle_rate':
        return (c.whistle?.units ?? []).map((u) => (
          <Form.Item
            key={u.unitId}
            name={`score_${u.unitId}`}
            label={u.unitId}
            rules={required}
            initialValue={5}
          >
            <InputNumber min={1} max={5} />
          </Form.Item>
        ));
      default:
        return note();
    }
  };

  return (
    <Modal
      open
      title={`${t(`cases.act.${type}`)} · ${c.number}`}
      okText={t(`cases.act.${type}`)}
      okButtonProps={{ loading: busy, ...({ 'data-testid': 'action-ok' } as Record<string, string>) }}
      cancelText={t('common.cancel')}
      onOk={() => form.submit()}
      onCancel={() => props.onClose(false)}
      destroyOnHidden
    >
      <Form form={form} layout="vertical" onFinish={(v) => void submit(v)}>
        {fields()}
      </Form>
    </Modal>
  );
}
