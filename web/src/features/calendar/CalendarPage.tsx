/** 工作日历 / Working calendar: each year's holidays and make-up working days, and district duty hours. */
import {
  Alert,
  Button,
  Card,
  Checkbox,
  Descriptions,
  Form,
  Input,
  InputNumber,
  Modal,
  Popconfirm,
  Segmented,
  Space,
  Table,
  Tag,
  Typography,
  Upload,
} from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type ApiAnswer, client, ok } from '../../api/client';
import { useAction } from '../org/useList';
import './strings';
import { type CalendarView, useCalendar } from './useCalendar';

type HolidayYear = CalendarView['years'][number];
type Change = ApiAnswer<'put', '/api/calendar/years/{year}'>;
type Source = 'notice' | 'ics' | 'manual';

/** `2027-01-01 元旦` per line → days. */
function linesToDays(text: string) {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .map((l) => {
      const [date = '', ...name] = l.split(/\s+/);
      return { date, name: name.join(' ') };
    });
}

export default function CalendarPage() {
  const { t } = useTranslation();
  const act = useAction();
  const { view, setView } = useCalendar();
  const [adding, setAdding] = useState(false);
  const [hoursForm] = Form.useForm<{ district: string; periods: string }>();

  const saved = (c: Change) => {
    setView(c.calendar);
    return t('calendar.saved', { checked: c.checked, moved: c.moved });
  };
  const removeYear = (year: number) =>
    act(async () => {
      const c = await ok(
        client.DELETE('/api/calendar/years/{year}', { params: { path: { year: String(year) } } }),
      );
      setView(c.calendar);
    });
  const setHours = async () => {
    const v = await hoursForm.validateFields();
    let message = '';
    const done = await act(async () => {
      const c = await ok(
        client.PUT('/api/calendar/duty-hours/{district}', {
          params: { path: { district: v.district } },
          body: { periods: v.periods.split(/[,，;\s]+/).filter(Boolean) },
        }),
      );
      message = saved(c);
    });
    if (done) hoursForm.resetFields();
    if (message) void act(async () => {}, message);
  };

  if (!view) return null;
  return (
    <Space direction="vertical" style={{ width: '100%' }} size="middle">
      <Alert type="info" showIcon title={t('calendar.explain')} />
      {view.nextYearMissing && (
        <Alert
          type="warning"
          showIcon
          data-testid="calendar-next-year-missing"
          title={t('calendar.nextYearMissing', { year: view.nextYear, coveredUntil: view.coveredUntil })}
        />
      )}
      <Descriptions size="small" column={2} bordered>
        <Descriptions.Item label={t('calendar.coveredUntil')}>
          <span data-testid="calendar-covered-until">{view.coveredUntil}</span>
        </Descriptions.Item>
        <Descriptions.Item label={t('calendar.builtInUntil')}>{view.builtInUntil}</Descriptions.Item>
      </Descriptions>
      <Card
        size="small"
        title={t('calendar.years')}
        extra={
          <Button type="primary" onClick={() => setAdding(true)}>
            {t('calendar.add')}
          </Button>
        }
      >
        <Table<HolidayYear>
          rowKey="year"
          size="small"
          pagination={false}
          dataSource={view.years}
          expandable={{ expandedRowRender: (y) => <DaysTable year={y} /> }}
          columns={[
            { title: t('calendar.year'), dataIndex: 'year' },
            {
              title: t('calendar.holidays'),
              render: (_: unknown, y) => `${y.holidays.length} ${t('calendar.days')}`,
            },
            {
              title: t('calendar.workdays'),
              render: (_: unknown, y) => `${y.workdays.length} ${t('calendar.days')}`,
            },
            {
              title: t('common.actions'),
              render: (_: unknown, y) => (
                <Popconfirm title={t('calendar.removeConfirm')} onConfirm={() => void removeYear(y.year)}>
                  <Button size="small" danger>
                    {t('calendar.remove')}
                  </Button>
                </Popconfirm>
              ),
            },
          ]}
        />
      </Card>
      <Card size="small" title={t('calendar.dutyHours')}>
        <Typography.Paragraph type="secondary">
          {t('calendar.defaultHours', { hours: view.defaultDutyHours.join(', ') })}
        </Typography.Paragraph>
        <Table
          rowKey="district"
          size="small"
          pagination={false}
          dataSource={view.dutyHours}
          columns={[
            { title: t('calendar.district'), dataIndex: 'district' },
            {
              title: t('calendar.periods'),
              dataIndex: 'periods',
              render: (p: string[]) => p.map((x) => <Tag key={x}>{x}</Tag>),
            },
          ]}
        />
        <Form form={hoursForm} layout="inline" style={{ marginTop: 12 }}>
          <Form.Item
            name="district"
            label={t('calendar.district')}
            rules={[{ required: true, pattern: /^\d{6}$/ }]}
          >
            <Input inputMode="numeric" maxLength={6} style={{ width: 110 }} placeholder="120101" />
          </Form.Item>
          <Form.Item name="periods" label={t('calendar.periods')} rules={[{ required: true }]}>
            <Input style={{ width: 260 }} placeholder={t('calendar.periodsHint')} />
          </Form.Item>
          <Button onClick={() => void setHours()}>{t('calendar.setHours')}</Button>
        </Form>
      </Card>
      <YearDialog
        open={adding}
        defaultYear={view.nextYear}
        onClose={() => setAdding(false)}
        onSaved={(c) => {
          setAdding(false);
          void act(async () => {}, saved(c));
        }}
      />
    </Space>
  );
}

function DaysTable({ year }: { year: HolidayYear }) {
  const { t } = useTranslation();
  const rows = [
    ...year.holidays.map((d) => ({ ...d, kind: 'holidays' as const })),
    ...year.workdays.map((d) => ({ ...d, kind: 'workdays' as const })),
  ].sort((a, b) => (a.date < b.date ? -1 : 1));
  return (
    <Table
      rowKey="date"
      size="small"
      pagination={false}
      dataSource={rows}
      columns={[
        { title: t('calendar.date'), dataIndex: 'date' },
        { title: t('calendar.name'), dataIndex: 'name' },
        {
          title: t('calendar.kind'),
          dataIndex: 'kind',
          render: (k: 'holidays' | 'workdays') => (
            <Tag color={k === 'holidays' ? 'green' : 'orange'}>{t(`calendar.${k}`)}</Tag>
          ),
        },
      ]}
    />
  );
}

/** Read a year from the notice, an .ics file or typed days; preview it; save it. */
function YearDialog(props: {
  open: boolean;
  defaultYear: number;
  onClose: () => void;
  onSaved: (c: Change) => void;
}) {
  const { t } = useTranslation();
  const act = useAction();
  const [year, setYear] = useState(props.defaultYear);
  const [source, setSource] = useState<Source>('notice');
  const [text, setText] = useState('');
  const [fileName, setFileName] = useState('');
  const [holidays, setHolidays] = useState('');
  const [workdays, setWorkdays] = useState('');
  const [preview, setPreview] = useState<HolidayYear | null>(null);
  const [replace, setReplace] = useState(false);

  const read = () =>
    act(async () => {
      if (source === 'manual') {
        setPreview({ year, holidays: linesToDays(holidays), workdays: linesToDays(workdays) });
        return;
      }
      setPreview(await ok(client.POST('/api/calendar/parse', { body: { year, format: source, text } })));
    });
  const save = () =>
    act(async () => {
      if (!preview) return;
      const c = await ok(
        client.PUT('/api/calendar/years/{year}', {
          params: { path: { year: String(preview.year) } },
          body: { holidays: preview.holidays, workdays: preview.workdays, replace },
        }),
      );
      setPreview(null);
      props.onSaved(c);
    });

  return (
    <Modal
      open={props.open}
      width={720}
      title={t('calendar.add')}
      onCancel={props.onClose}
      footer={
        <Space>
          <Checkbox checked={replace} onChange={(e) => setReplace(e.target.checked)}>
            {t('calendar.replace')}
          </Checkbox>
          <Button onClick={() => void read()}>{t('calendar.read')}</Button>
          <Button type="primary" disabled={!preview} onClick={() => void save()}>
            {t('calendar.save')}
          </Button>
        </Space>
      }
    >
      <Space direction="vertical" style={{ width: '100%' }}>
        <Space>
          {t('calendar.year')}
          <InputNumber min={2000} max={2099} value={year} onChange={(v) => setYear(v ?? props.defaultYear)} />
          <Segmented<Source>
            value={source}
            onChange={(s) => {
              setSource(s);
              setPreview(null);
              setText('');
              setFileName('');
            }}
            options={(['notice', 'ics', 'manual'] as const).map((s) => ({
              value: s,
              label: t(`calendar.sources.${s}`),
            }))}
          />
        </Space>
        {source === 'notice' && (
          <>
            <Typography.Text type="secondary">{t('calendar.noticeHint')}</Typography.Text>
            <Input.TextArea
              rows={8}
              value={text}
              data-testid="calendar-notice"
              onChange={(e) => setText(e.target.value)}
            />
          </>
        )}
        {source === 'ics' && (
          <>
            <Typography.Text type="secondary">{t('calendar.icsHint')}</Typography.Text>
            <Upload
              accept=".ics,text/calendar"
              showUploadList={false}
              beforeUpload={(f) => {
                void f.text().then((s) => {
                  setText(s);
                  setFileName(f.name);
                });
                return false;
              }}
            >
              <Button>{t('calendar.pickFile')}</Button>
            </Upload>
            {fileName && <Tag>{fileName}</Tag>}
          </>
        )}
        {source === 'manual' && (
          <>
            <Typography.Text>{t('calendar.manualHolidays')}</Typography.Text>
            <Input.TextArea rows={5} value={holidays} onChange={(e) => setHolidays(e.target.value)} />
            <Typography.Text>{t('calendar.manualWorkdays')}</Typography.Text>
            <Input.TextArea rows={3} value={workdays} onChange={(e) => setWorkdays(e.target.value)} />
          </>
        )}
        {preview && (
          <>
            <Typography.Text strong>
              {t('calendar.preview')}: {preview.year} · {t('calendar.holidays')} {preview.holidays.length} ·{' '}
              {t('calendar.workdays')} {preview.workdays.length}
            </Typography.Text>
            <DaysTable year={preview} />
          </>
        )}
      </Space>
    </Modal>
  );
}
