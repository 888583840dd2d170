/**
 * Bulk actions on the selected cases (批量操作): sign, dispatch, urge, assign, export. The server applies
 * each case through the same rules and answers per case; refusals are listed with their reasons.
 */
import { Alert, App, Button, Input, Modal, Space, Table, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type ApiAnswer, type CaseSummary, post } from '../../api/client';
import { useAuth } from '../../app/auth';
import { AssignDialog } from './AssignDialog';

type BulkResult = ApiAnswer<'post', '/api/cases/bulk'>;
type Action = 'sign' | 'dispatch' | 'urge' | 'assign';

/** The export URL of the current filters, or of a selection (ids=). */
export function exportUrl(format: 'csv' | 'xlsx', filters: Record<string, string>, ids?: string[]): string {
  const qs = new URLSearchParams(ids ? { ids: ids.join(',') } : filters);
  return `/api/cases/export.${format}?${qs}`;
}

export function BulkBar(props: { selected: CaseSummary[]; onDone: () => void; onClear: () => void }) {
  const { t } = useTranslation();
  const { me } = useAuth();
  const { message } = App.useApp();
  const [result, setResult] = useState<BulkResult | null>(null);
  const [assigning, setAssigning] = useState(false);
  const roles = me?.roles ?? [];
  const ids = props.selected.map((c) => c.id);
  const numbers = new Map(props.selected.map((c) => [c.id, c.number]));

  const run = async (action: Action, extra: Record<string, unknown> = {}) => {
    try {
      const r = await post<BulkResult>('/api/cases/bulk', { action, ids, ...extra });
      setResult(r);
      props.onDone();
    } catch (e) {
      void message.error(e instanceof Error ? e.message : String(e));
    }
  };
  const urge = () => {
    let note = '';
    Modal.confirm({
      title: t('cases.bulk.urge'),
      content: (
        <Input.TextArea
          placeholder={t('cases.bulk.urgeNote')}
          onChange={(e) => (note = e.target.value)}
          data-testid="bulk-urge-note"
        />
      ),
      onOk: () => run('urge', { note: note.trim() }),
    });
  };

  return (
    <Space wrap data-testid="bulk-bar">
      <Typography.Text strong>{t('cases.bulk.selected', { n: ids.length })}</Typography.Text>
      {roles.includes('handler') && (
        <Button data-testid="bulk-sign" onClick={() => void run('sign')}>
          {t('cases.bulk.sign')}
        </Button>
      )}
      {roles.includes('dispatcher') && (
        <Button data-testid="bulk-dispatch" onClick={() => void run('dispatch', { mode: 'auto' })}>
          {t('cases.bulk.dispatch')}
        </Button>
      )}
      {roles.includes('supervisor') && (
        <Button data-testid="bulk-urge" onClick={urge}>
          {t('cases.bulk.urge')}
        </Button>
      )}
      {me?.unitHead && (
        <Button data-testid="bulk-assign" onClick={() => setAssigning(true)}>
          {t('cases.bulk.assign')}
        </Button>
      )}
      <Button href={exportUrl('csv', {}, ids)} data-testid="bulk-export-csv">
        {t('cases.bulk.exportCsv')}
      </Button>
      <Button href={exportUrl('xlsx', {}, ids)}>{t('cases.bulk.exportXlsx')}</Button>
      <Button type="link" onClick={props.onClear}>
        {t('cases.bulk.clear')}
      </Button>
      <AssignDialog
        open={assigning}
        probeCaseId={ids[0] ?? null}
        title={t('cases.bulk.assign')}
        onClose={() => setAssigning(false)}
        onChoose={async (userId) => {
          setAssigning(false);
          await run('assign', { userId });
        }}
      />
      <Modal
        open={!!result}
        title={result && t('cases.bulk.result', { ok: result.succeeded, refused: result.refused })}
        footer={null}
        onCancel={() => setResult(null)}
      >
        {result && result.refused > 0 ? (
          <Table
            rowKey="id"
            size="small"
            pagination={false}
            data-testid="bulk-refused"
            dataSource={result.results.filter((r) => !r.ok)}
            columns={[
              { title: t('cases.number'), dataIndex: 'id', render: (id: string) => numbers.get(id) ?? id },
              { title: t('cases.bulk.refused'), render: (_: unknown, r) => r.error?.message ?? '' },
            ]}
          />
        ) : (
          <Alert type="success" showIcon title={t('common.saved')} />
        )}
      </Modal>
    </Space>
  );
}
