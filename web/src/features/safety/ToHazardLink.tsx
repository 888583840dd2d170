/** On a case: turn it into a hazard (案件转隐患) on the hazards screen, the case found by its number. */
import { Button } from 'antd';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { useAuth } from '../../app/auth';
import './strings';

export function ToHazardLink(props: { number: string }) {
  const { t } = useTranslation();
  const { me } = useAuth();
  const navigate = useNavigate();
  if (!me?.roles.some((r) => r === 'supervisor' || r === 'admin' || r === 'inspector')) return null;
  return (
    <Button
      data-testid="case-to-hazard"
      onClick={() => void navigate(`/safety/hazards?fromCase=${encodeURIComponent(props.number)}`)}
    >
      {t('safety.convert')}
    </Button>
  );
}
