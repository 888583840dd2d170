/** Live backups (备份): make one while the server keeps serving, list and download the archives. */
import { Alert, Button, Table } from 'antd';
import { useTranslation } from 'react-i18next';
import { type ApiAnswer, post } from '../../api/client';
import { formatTime } from '../../app/format';
import i18next from '../../app/i18n';
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

{
  const zh = {
    explain:
      '备份是某一时刻全部数据和上传文件的一致快照，制作期间系统照常服务。备份文件保存在服务器数据目录的 backups 下；请下载后另地保存。恢复：停止服务后运行 wangge restore 文件名。',
    make: '立即备份',
    name: '备份文件',
    size: '大小',
    created: '制作时间',
    download: '下载',
  };
  const en: typeof zh = {
    explain:
      'A backup is one consistent moment of all data and uploaded files, made while the server keeps serving. Archives stay under backups/ in the data directory; download them and keep them elsewhere. To restore: stop the server, then run wangge restore FILE.',
    make: 'Back up now',
    name: 'Archive',
    size: 'Size',
    created: 'Made at',
    download: 'Download',
  };
  i18next.addResourceBundle('zh-CN', 'translation', { backups: zh }, true, false);
  i18next.addResourceBundle('en', 'translation', { backups: en }, true, false);
}
