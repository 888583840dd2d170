/** 突发事件公告 on the citizen portal: the notices of incidents marked public, and nothing else of them. */
import { Alert, Space, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type ApiAnswer, api } from '../../api/client';
import { formatTime } from '../../app/format';
import './strings';

type Notice = ApiAnswer<'get', '/api/public/emergency/notices'>[number];
const TYPE: Record<string, 'error' | 'warning' | 'info'> = {
  red: 'error',
  orange: 'warning',
  yellow: 'warning',
  blue: 'info',
};

export function PublicNotices() {
  const { t, i18n } = useTranslation();
  const [notices, setNotices] = useState<Notice[]>([]);
  useEffect(() => {
    void api<Notice[]>('GET', '/api/public/emergency/notices')
      .then(setNotices)
      .catch(() => undefined);
  }, []);
  if (!notices.length) return null;
  return (
    <Space direction="vertical" style={{ width: '100%', marginBottom: 12 }} data-testid="emergency-notices">
      <Typography.Text strong>{t('emergency.portal.notices')}</Typography.Text>
      {notices.map((n) => (
        <Alert
          key={n.number}
          showIcon
          type={n.status === 'open' ? TYPE[n.colour] : 'success'}
          message={`${n.title} · ${t(`emergency.levels.${n.level}`)} · ${t(n.status === 'open' ? 'emergency.portal.ongoing' : 'emergency.portal.ended')}`}
          description={
            <>
              <div>{n.notice}</div>
              <Typography.Text type="secondary">{formatTime(n.publishedAt, i18n.language)}</Typography.Text>
            </>
          }
        />
      ))}
    </Space>
  );
}
