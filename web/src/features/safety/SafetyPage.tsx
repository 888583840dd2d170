/** 安全生产监管 under /safety: the registry, hazards (list, board, map, detail) and 双随机 plans. */
import { Segmented, Space } from 'antd';
import { useTranslation } from 'react-i18next';
import { Route, Routes, useLocation, useNavigate } from 'react-router';
import { HazardDetail } from './HazardDetail';
import { Hazards } from './Hazards';
import { PlanDetail, Plans } from './Plans';
import { Registry } from './Registry';
import './strings';

export default function SafetyPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { pathname } = useLocation();
  const section = pathname.includes('/safety/hazards')
    ? 'hazards'
    : pathname.includes('/safety/plans')
      ? 'plans'
      : 'registry';
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Segmented
        value={section}
        data-testid="safety-sections"
        onChange={(v) => void navigate(v === 'registry' ? '/safety' : `/safety/${v}`)}
        options={[
          { value: 'registry', label: t('safety.registry') },
          { value: 'hazards', label: t('safety.hazards') },
          { value: 'plans', label: t('safety.plans') },
        ]}
      />
      <Routes>
        <Route index element={<Registry />} />
        <Route path="hazards" element={<Hazards />} />
        <Route path="hazards/:id" element={<HazardDetail />} />
        <Route path="plans" element={<Plans />} />
        <Route path="plans/:id" element={<PlanDetail />} />
      </Routes>
    </Space>
  );
}
