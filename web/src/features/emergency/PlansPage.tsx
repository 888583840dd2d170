/** Plans (应急预案): the newest version of each plan the caller sees, with its response steps. */
import { Card, List, Space, Table, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type ApiAnswer, get } from '../../api/client';
import './strings';

type Plan = ApiAnswer<'get', '/api/emergency/plans'>[number];
type Unit = ApiAnswer<'get', '/api/units'>[number];

export default function PlansPage() {
  const { t, i18n } = useTranslation();
  const [plans, setPlans] = useState<Plan[]>([]);
  const [units, setUnits] = useState<Map<string, string>>(new Map());
  useEffect(() => {
    void get<Plan[]>('/api/emergency/plans').then(setPlans);
    void get<Unit[]>('/api/units')
      .then((u) =>
        setUnits(new Map(u.map((x) => [x.id, i18n.language === 'en' ? x.nameEn || x.name : x.name]))),
      )
      .catch(() => undefined);
  }, [i18n.language]);
  return (
    <Card title={t('emergency.plans.title')}>
      <Table
        rowKey="id"
        data-testid="plan-list"
        dataSource={plans}
        locale={{ emptyText: t('emergency.plans.empty') }}
        expandable={{
          defaultExpandAllRows: true,
          expandedRowRender: (p) => (
            <List
              size="small"
              header={t('emergency.plans.steps')}
              dataSource={p.steps}
              renderItem={(s, i) => (
                <List.Item>
                  <Space wrap>
                    <Typography.Text strong>{i + 1}.</Typography.Text>
                    {s.title}
                    <Tag>{units.get(s.unitId) ?? s.unitId}</Tag>
                    <Typography.Text type="secondary">
                      {t('emergency.plans.dueMinutes', { n: s.dueMinutes })}
                    </Typography.Text>
                    {s.resources.map((r) => (
                      <Tag color="blue" key={r.name}>
                        {r.name} × {r.quantity}
                      </Tag>
                    ))}
                  </Space>
                </List.Item>
              )}
            />
          ),
        }}
        columns={[
          { title: t('emergency.plans.code'), dataIndex: 'code' },
          { title: t('emergency.plans.name'), dataIndex: 'name' },
          { title: t('emergency.plans.version'), render: (_, p) => `v${p.version}` },
          { title: t('emergency.plans.tier'), render: (_, p) => t(`emergency.plans.tiers.${p.tier}`) },
          { title: t('emergency.type'), render: (_, p) => t(`emergency.types.${p.type}`) },
          { title: t('emergency.level'), render: (_, p) => t(`emergency.levels.${p.level}`) },
        ]}
      />
    </Card>
  );
}
