/** The banner administrators see from 1 November while next year's holidays are not entered. */
import { Alert, Button } from 'antd';
import { useTranslation } from 'react-i18next';
import { useLocation, useNavigate } from 'react-router';
import { useCalendar } from './useCalendar';
import './strings';

export default function CalendarWarning() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const location = useLocation();
  const { view } = useCalendar();
  // The calendar page shows its own warning.
  if (!view?.nextYearMissing || location.pathname.startsWith('/calendar')) return null;
  return (
    <Alert
      type="warning"
      showIcon
      banner
      style={{ marginBottom: 12 }}
      title={t('calendar.nextYearMissing', { year: view.nextYear, coveredUntil: view.coveredUntil })}
      action={
        <Button size="small" onClick={() => navigate('/calendar')}>
          {t('calendar.open')}
        </Button>
      }
    />
  );
}
