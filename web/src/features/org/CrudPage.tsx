/**
 * One list-and-edit page for the organisation's registers (units, users, responsibility rules): a table,
 * a create/edit dialog and row actions, configured per register (see UnitsPage, UsersPage, RulesPage).
 */
import {
  Button,
  Form,
  type FormInstance,
  Modal,
  Popconfirm,
  Space,
  Table,
  type TableColumnsType,
} from 'antd';
import type { TFunction } from 'i18next';
import { type ReactNode, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Unit } from '../../api/client';
import { useAuth } from '../../app/auth';
import { useAction, useList } from './useList';

/** What a register's configuration sees while it draws. */
export interface CrudContext<Row> {
  t: TFunction;
  /** The rows of the register itself. */
  rows: Row[];
  /** The units (for pickers), when the configuration asks for them. */
  units: Unit[];
  /** The row being edited; `{}` while creating. */
  editing: Partial<Row>;
}

export interface CrudConfig<Row extends { id: string }> {
  /** GET answers the rows. */
  listUrl: string;
  /** Loads the units for a picker in the form. */
  withUnits?: boolean;
  /** Only administrators see the create button and the row actions (else: everyone who reaches the page). */
  adminOnly: boolean;
  pageSize?: number;
  intro?(t: TFunction): ReactNode;
  columns(ctx: Omit<CrudContext<Row>, 'editing'>): TableColumnsType<Row>;
  fields(ctx: CrudContext<Row>): ReactNode;
  /** Form values as the dialog opens on a row (default: the row). */
  toForm?(row: Row): Record<string, unknown>;
  /** The body sent to the server from the form values. */
  toBody(values: Record<string, unknown>, editing: Partial<Row>): Record<string, unknown>;
  create(body: Record<string, unknown>): Promise<unknown>;
  update(id: string, body: Record<string, unknown>): Promise<unknown>;
  /** Delete or deactivate a row, with its button's label key and when it is offered. */
  remove?: { label: string; when?(row: Row): boolean; run(id: string): Promise<unknown> };
  /** More buttons in a row's actions. */
  rowActions?(row: Row): ReactNode;
}

export function CrudPage<Row extends { id: string }>({ config }: { config: CrudConfig<Row> }) {
  const { t } = useTranslation();
  const { me } = useAuth();
  const canEdit = !config.adminOnly || (me?.roles.includes('admin') ?? false);
  const { rows, loading, reload } = useList<Row>(config.listUrl);
  const units = useList<Unit>(config.withUnits ? '/api/units' : null);
  const act = useAction();
  const [editing, setEditing] = useState<Partial<Row> | null>(null);
  const [form] = Form.useForm();
  const ctx = { t, rows, units: units.rows };

  const save = async () => {
    const values = (await form.validateFields()) as Record<string, unknown>;
    const body = config.toBody(values, editing ?? {});
    const id = editing?.id;
    const ok = await act(() => (id ? config.update(id, body) : config.create(body)), t('common.saved'));
    if (ok) {
      setEditing(null);
      reload();
    }
  };

  const actions: TableColumnsType<Row> = [
    {
      title: t('common.actions'),
      key: 'actions',
      render: (_: unknown, row: Row) => (
        <Space>
          <Button
            size="small"
            onClick={() => {
              form.setFieldsValue(config.toForm ? config.toForm(row) : row);
              setEditing(row);
            }}
          >
            {t('common.edit')}
          </Button>
          {config.remove && (config.remove.when?.(row) ?? true) && (
            <RemoveButton
              label={t(config.remove.label)}
              onConfirm={() => void act(() => config.remove!.run(row.id)).then(reload)}
            />
          )}
          {config.rowActions?.(row)}
        </Space>
      ),
    },
  ];

  return (
    <>
      {config.intro?.(t)}
      {canEdit && (
        <Button
          type="primary"
          style={{ marginBottom: 12 }}
          onClick={() => {
            form.resetFields();
            setEditing({});
          }}
        >
          {t('common.create')}
        </Button>
      )}
      <Table<Row>
        rowKey="id"
        size="small"
        loading={loading}
        dataSource={rows}
        {...(config.pageSize ? { pagination: { pageSize: config.pageSize } } : {})}
        columns={[...config.columns(ctx), ...(canEdit ? actions : [])]}
      />
      <EditDialog
        form={form}
        open={editing !== null}
        title={editing?.id ? t('common.edit') : t('common.create')}
        onOk={() => void save()}
        onCancel={() => setEditing(null)}
      >
        {config.fields({ ...ctx, editing: editing ?? {} })}
      </EditDialog>
    </>
  );
}

function RemoveButton(props: { label: string; onConfirm(): void }) {
  const { t } = useTranslation();
  return (
    <Popconfirm title={t('common.confirm')} onConfirm={props.onConfirm}>
      <Button size="small" danger>
        {props.label}
      </Button>
    </Popconfirm>
  );
}

function EditDialog(props: {
  form: FormInstance;
  open: boolean;
  title: string;
  onOk(): void;
  onCancel(): void;
  children: ReactNode;
}) {
  return (
    <Modal open={props.open} title={props.title} onOk={props.onOk} onCancel={props.onCancel}>
      <Form form={props.form} layout="vertical">
        {props.children}
      </Form>
    </Modal>
  );
}
