/** The result of an inspection target (console and field app): result, note, findings that become hazards. */
import { Button, Card, Form, Input, InputNumber, Select, Space, Typography } from 'antd';
import { useTranslation } from 'react-i18next';

/** Today in the district's clock (Asia/Shanghai), as the server counts it. */
export function today(): string {
  return new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
}

export type Finding = {
  class: string;
  grade: 'general' | 'major';
  majorLevel?: number;
  description: string;
  days: number;
};

/** The body of a result, shared by the console and the field app. */
export function resultBody(v: { result: string; note?: string; inspectedOn: string; findings?: Finding[] }) {
  return {
    result: v.result,
    note: v.note ?? '',
    inspectedOn: v.inspectedOn,
    findings:
      v.result === 'hazards_found'
        ? (v.findings ?? []).map((f) => ({
            class: f.class,
            grade: f.grade,
            majorLevel: f.grade === 'major' ? (f.majorLevel ?? 3) : null,
            description: f.description,
            limit: { value: f.days, unit: 'work_day' },
          }))
        : [],
  };
}

/** The result form: result, date, note and, when hazards were found, each finding (a hazard to be). */
export function ResultFields() {
  const { t } = useTranslation();
  return (
    <>
      <Form.Item name="result" label={t('safety.result')} rules={[{ required: true }]}>
        <Select
          data-testid="result-kind"
          options={(['no_problem', 'hazards_found', 'not_found'] as const).map((r) => ({
            value: r,
            label: t(`safety.results.${r}`),
          }))}
        />
      </Form.Item>
      <Form.Item name="note" label={t('safety.note')}>
        <Input.TextArea rows={2} data-testid="result-note" />
      </Form.Item>
      <Form.Item noStyle shouldUpdate={(a, b) => a.result !== b.result}>
        {({ getFieldValue }) =>
          getFieldValue('result') === 'hazards_found' ? (
            <Form.List name="findings" initialValue={[{ grade: 'general', days: 5 }]}>
              {(fields, { add, remove }) => (
                <Space direction="vertical" style={{ width: '100%' }}>
                  <Typography.Text strong>{t('safety.findings')}</Typography.Text>
                  {fields.map((f) => (
                    <Card
                      key={f.key}
                      size="small"
                      extra={
                        <Button size="small" onClick={() => remove(f.name)}>
                          ×
                        </Button>
                      }
                    >
                      <Space wrap>
                        <Form.Item
                          name={[f.name, 'class']}
                          label={t('safety.class')}
                          rules={[{ required: true }]}
                        >
                          <Input style={{ width: 120 }} data-testid="finding-class" />
                        </Form.Item>
                        <Form.Item name={[f.name, 'grade']} label={t('safety.grade')}>
                          <Select
                            style={{ width: 120 }}
                            options={(['general', 'major'] as const).map((g) => ({
                              value: g,
                              label: t(`safety.grades.${g}`),
                            }))}
                          />
                        </Form.Item>
                        <Form.Item name={[f.name, 'days']} label={t('safety.limitDays')}>
                          <InputNumber min={1} max={365} />
                        </Form.Item>
                      </Space>
                      <Form.Item
                        name={[f.name, 'description']}
                        label={t('safety.description')}
                        rules={[{ required: true, min: 2 }]}
                      >
                        <Input.TextArea rows={2} data-testid="finding-description" />
                      </Form.Item>
                    </Card>
                  ))}
                  <Button onClick={() => add({ grade: 'general', days: 5 })}>{t('safety.addFinding')}</Button>
                </Space>
              )}
            </Form.List>
          ) : null
        }
      </Form.Item>
    </>
  );
}
