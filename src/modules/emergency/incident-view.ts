/**
 * What an incident looks like to its readers (pure): the summary row of lists and the big screen, the detail
 * with its time line, links, plan activations, tasks and dispatches, and the command roles (指挥/现场/联络).
 */
import type { IncidentCreateT } from './emergency.schemas.js';
import type { EmergencyStore, IncidentRow } from './emergency.store.js';
import { verifyIncidentChain } from './incident-chain.js';
import type { IncidentStatus } from './incident-rules.js';
import type { ResourcesStore } from './resources.store.js';

export function incidentSummary(r: IncidentRow) {
  return {
    id: r.id,
    number: r.number,
    title: r.title,
    type: r.type as IncidentCreateT['type'],
    subtype: r.subtype,
    level: r.level,
    colour: r.colour as 'red' | 'orange' | 'yellow' | 'blue',
    status: r.status as IncidentStatus,
    areaCode: r.area_code,
    lon: r.lon,
    lat: r.lat,
    createdAt: r.created_at.toISOString(),
    version: r.version,
  };
}

type Rows<K extends keyof EmergencyStore> = EmergencyStore[K] extends (...a: never[]) => Promise<infer R>
  ? R
  : never;

export interface IncidentParts {
  events: Rows<'events'>;
  cases: { id: string; number: string; title: string; state: string }[];
  activations: Rows<'activations'>;
  tasks: Rows<'tasks'>;
  dispatches: Awaited<ReturnType<ResourcesStore['dispatches']>>;
}

/** The detail of an incident as of `now` (tasks past due and not done are overdue). */
export function incidentDetailView(
  row: IncidentRow,
  { events, cases, activations, tasks, dispatches }: IncidentParts,
  unitNames: Map<string, string>,
  now: Date,
) {
  const chain = events.map((e) => ({
    incidentId: row.id,
    seq: e.seq,
    type: e.type,
    at: e.at,
    actorId: e.actor_id,
    actorName: e.actor_name,
    note: e.note,
    payload: e.payload,
    prevHash: e.prev_hash,
    hash: e.hash,
  }));
  const command = normaliseCommand(row.command);
  return {
    ...incidentSummary(row),
    affectedGrids: row.affected_grids,
    reporter: row.reporter,
    unitId: row.unit_id,
    command: {
      commander: command.commander ?? null,
      onSite: command.onSite ?? null,
      liaison: command.liaison ?? null,
    },
    description: row.description,
    publicNotice: row.public_notice,
    summary: row.summary,
    closedAt: row.closed_at ? row.closed_at.toISOString() : null,
    events: events.map((e) => ({
      seq: e.seq,
      type: e.type,
      at: e.at.toISOString(),
      actorName: e.actor_name,
      note: e.note,
      payload: e.payload,
      hash: e.hash,
    })),
    cases,
    activations: activations.map((a) => ({
      id: a.id,
      planId: a.plan_id,
      planCode: a.plan_code,
      planVersion: a.plan_version,
      planName: a.name,
      status: a.status as 'active' | 'done',
      activatedAt: a.activated_at.toISOString(),
    })),
    tasks: tasks.map((t) => ({
      id: t.id,
      activationId: t.activation_id,
      stepNo: t.step_no,
      title: t.title,
      unitId: t.unit_id,
      unitName: unitNames.get(t.unit_id) ?? t.unit_id,
      dueAt: t.due_at.toISOString(),
      resources: t.resources,
      doneAt: t.done_at ? t.done_at.toISOString() : null,
      overdue: t.done_at === null && t.due_at.getTime() < now.getTime(),
    })),
    dispatches: dispatches.map((d) => ({
      id: d.id,
      resourceId: d.resource_id,
      name: d.name,
      kind: d.kind,
      category: d.category,
      measure: d.measure,
      quantity: d.quantity,
      dispatchedAt: d.dispatched_at.toISOString(),
      returnedAt: d.returned_at ? d.returned_at.toISOString() : null,
    })),
    chainOk: verifyIncidentChain(chain) === null,
  };
}

type CommandIn = { commander?: string | null; onSite?: string | null; liaison?: string | null };
/** Keeps the three roles only; with `onlyGiven`, roles not mentioned are left out (so they stay as they were). */
export function normaliseCommand(c: CommandIn | null | undefined, onlyGiven = false): CommandIn {
  const out: CommandIn = {};
  for (const k of ['commander', 'onSite', 'liaison'] as const) {
    if (c && c[k] !== undefined) out[k] = c[k];
    else if (!onlyGiven) out[k] = null;
  }
  return out;
}
