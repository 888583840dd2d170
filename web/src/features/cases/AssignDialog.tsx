/** 分派到人: the unit head picks a member of the unit, seeing each one's workload (open, overdue). */
import { Button, Modal, Table, Tag } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type ApiAnswer, get, post } from '../../api/client';
import { useAuth } from '../../app/auth';
import { useAction } from '../org/useList';

export type Assignees = ApiAnswer<'get', '/api/cases/{id}/assignees'>;
type Member = Assignees['members'][number];

/**
 * Lists the members of the unit of `probeCaseId` (the case, or the first of a selection) and answers the
 * chosen member's id through `onChoose`; the caller assigns one case or a selection.
 */
export function AssignDialog(props: {
  open: boolean;
  probeCaseId: string | null;
  title: string;
  onChoose: (userId: string) => Promise<void>;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const [data, setData] = useState<Assignees | null>(null);
  const [chosen, setChosen] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const { open, probeCaseId } = props;

  useEffect(() => {
    if (!open || !probeCaseId) return;
    setChosen(null);
    setData(null);
    void get<Assignees>(`/api/cases/${probeCaseId}/assignees`).then(setData);
  }, [open, probeCaseId]);

  return (
    <Modal
      open={open}
      title={props.title}
      okText={t('cases.assign.ok')}
      okButtonProps={{ disabled: !chosen, loading: busy, ...{ 'data-testid': 'assign-ok' } }}
      onCancel={props.onClose}
      onOk={async () => {
        if (!chosen) return;
        setBusy(true);
        try {
          await props.onChoose(chosen);
        } finally {
          setBusy(false);
        }
      }}
      destroyOnHidden
    >
      <Table<Member>
        rowKey="id"
        size="small"
        loading={!data}
        pagination={false}
        dataSource={(data?.members ?? []).filter((m) => m.handler)}
        rowSelection={{
          type: 'radio',
          selectedRowKeys: chosen ? [chosen] : [],
          onChange: (keys) => setChosen(String(keys[0] ?? '')),
          getCheckboxProps: (m) => ({ 'data-testid': `assignee-${m.displayName}` }) as object,
        }}
        onRow={(m) => ({ onClick: () => setChosen(m.id) })}
        columns={[
          {
            title: t('cases.assignee'),
            dataIndex: 'displayName',
            render: (name: string, m) => (
              <span>
                {name} {m.unitHead && <Tag>{t('cases.assign.head')}</Tag>}
                {data?.assignedUserId === m.id && <Tag color="blue">{t('cases.assign.current')}</Tag>}
              </span>
            ),
          },
          { title: t('cases.assign.open'), dataIndex: 'open', width: 90 },
          {
            title: t('cases.assign.overdue'),
            dataIndex: 'overdue',
            width: 90,
            render: (n: number) => (n > 0 ? <Tag color="red">{n}</Tag> : n),
          },
        ]}
      />
    </Modal>
  );
}

/** On a case: the unit head's "assign to a person" (and "take back") buttons, when the server allows it. */
export function AssignButtons(props: {
  c: { id: string; version: number; assignedUnitId: string | null; assignedUserId: string | null };
  onDone: () => void;
}) {
  const { t } = useTranslation();
  const { me } = useAuth();
  const run = useAction();
  const [open, setOpen] = useState(false);
  const [allowed, setAllowed] = useState(false);
  const { c } = props;
  const mayAsk = !!me?.unitHead && !!c.assignedUnitId && me.unitId === c.assignedUnitId;

  // biome-ignore lint/correctness/useExhaustiveDependencies: asked again whenever the case moves on (version)
  useEffect(() => {
    setAllowed(false);
    if (!mayAsk) return;
    void get<Assignees>(`/api/cases/${c.id}/assignees`).then((a) => setAllowed(a.canAssign));
  }, [mayAsk, c.id, c.version]);

  if (!allowed) return null;
  const assign = (userId: string | null) =>
    run(() => post(`/api/cases/${c.id}/assignment`, { userId, version: c.version }), t('cases.assign.done'));
  return (
    <>
      <Button data-testid="assign-open" onClick={() => setOpen(true)}>
        {t('cases.assign.button')}
      </Button>
      {c.assignedUserId && (
        <Button data-testid="assign-take-back" onClick={() => void assign(null).then(props.onDone)}>
          {t('cases.assign.unassign')}
        </Button>
      )}
      <AssignDialog
        open={open}
        probeCaseId={c.id}
        title={t('cases.assign.button')}
        onClose={() => setOpen(false)}
        onChoose={async (userId) => {
          if (await assign(userId)) {
            setOpen(false);
            props.onDone();
          }
        }}
      />
    </>
  );
}
