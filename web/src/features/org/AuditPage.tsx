/** The audit log: who changed what, with the record before and after. */
import { Table, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { AuditRow } from '../../api/client';
import { useList } from './useList';

export default function AuditPage() {
  const { t, i18n } = useTranslation();
  const { rows, loading } = useList<AuditRow>('/api/audit?limit=500');
  return (
    <Table<AuditRow>
      rowKey="id"
      size="small"
      loading={loading}
      dataSource={rows}
      expandable={{
        expandedRowRender: (r) => (
          <Typography.Paragraph code style={{ whiteSpace: 'pre-wrap' }}>
            {JSON.stringify({ before: r.before, after: r.after }, null, 2)}
          </Typography.Paragraph>
        ),
      }}
      columns={[
        {
          title: t('audit.at'),
          dataIndex: 'at',
          render: (v: string) => new Date(v).toLocaleString(i18n.language),
        },
        { title: t('audit.actor'), dataIndex: 'actorName' },
        { title: t('audit.action'), dataIndex: 'action' },
        { title: t('audit.entity'), dataIndex: 'entity' },
        { title: t('audit.entityId'), dataIndex: 'entityId' },
      ]}
    />
  );
}
