/** Live backups (备份): make one while the server keeps serving, list and download the archives. */
import { Alert, Button, Table } from 'antd';
import { useTranslation } from 'react-i18next';
import { type ApiAnswer, post } from '../../api/client';
import { formatTime } from '../../app/format';
import './backupsStrings';
import { useAction, useList } from './useList';

type Backup = ApiAnswer<'get', '/api/backups'>[number];

export default function BackupsPage() {
  const { t, i18n } = useTranslation();
  const { rows, loading, reload } = useList<Backup>('/api/backups');
  const act = useAction();
  const size = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;
  return (
    <>
      <Alert type="info" showIcon title={t('backups.explain')} style={{ marginBottom: 12 }} />
      <Button
        type="primary"
        style={{ marginBottom: 12 }}
        onClick={() => void act(() => post('/api/backups')).then(reload)}
      >
        {t('backups.make')}
      </Button>
      <Table<Backup>
        rowKey="name"
        size="small"
        loading={loading}
        dataSource={rows}
        pagination={false}
        columns={[
          { title: t('backups.name'), dataIndex: 'name', render: (n: string) => <code>{n}</code> },
          { title: t('backups.size'), dataIndex: 'size', render: size },
          {
            title: t('backups.created'),
            dataIndex: 'createdAt',
            render: (s: string) => formatTime(s, i18n.language),
          },
          {
            title: t('common.actions'),
            key: 'actions',
            render: (_: unknown, b: Backup) => (
              <a href={`/api/backups/${encodeURIComponent(b.name)}`} download>
                {t('backups.download')}
              </a>
            ),
          },
        ]}
      />
    </>
  );
}
