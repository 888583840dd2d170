/** HTTP routes of the emergency module (应急指挥): incidents, their time line, plans and action tasks. */
import { z } from 'zod';
import { ROLES, type Role } from '../../platform/auth/roles.js';
import { type App, principalOf } from '../../platform/http/app.js';
import type { Alarms } from './alarms.service.js';
import {
  ActivateBody,
  AlarmCheck,
  AlarmCheckHeaders,
  AlarmQuery,
  AlarmRuleCreate,
  AlarmRuleT,
  CaseLink,
  CommandChange,
  DispatchBody,
  EmergencyAlarm,
  HandoverBody,
  IdParams,
  IncidentClose,
  IncidentCreate,
  IncidentDetail,
  IncidentNote,
  IncidentQuery,
  IncidentSummary,
  LevelChange,
  NearestQuery,
  NearestResource,
  OnDutyQuery,
  Plan,
  PlanCodeParams,
  PlanCreate,
  PlanRevise,
  PublicNotice,
  PublishBody,
  Resource,
  ResourceCreate,
  ResourceQuery,
  RosterQuery,
  RuleActive,
  Shift,
  ShiftCreate,
} from './emergency.schemas.js';
import type { Incidents } from './incidents.service.js';
import type { Plans } from './plans.service.js';
import type { Resources } from './resources.service.js';
import type { Roster } from './roster.service.js';

/** Every staff role sees the incidents of its scope (and those its unit has a task in). */
const READ: readonly Role[] = ROLES;
/** Who reports an incident and writes its time line: the field, the hotline, the command centre. */
const REPORT: readonly Role[] = ['inspector', 'operator', 'shift_lead', 'dispatcher', 'leader', 'admin'];
/** Who commands it: level, command roles, plans, closing. */
const COMMAND: readonly Role[] = ['shift_lead', 'leader', 'admin'];
/** Who writes the duty roster (值班表): the command centre. */
const ROSTER_EDIT: readonly Role[] = ['shift_lead', 'leader', 'admin'];
/** Who keeps the alarm rules. */
const RULES: readonly Role[] = ['leader', 'admin'];
/** Who checks an alarm on the spot (核查): the field and the command centre. */
const CHECK: readonly Role[] = ['inspector', 'shift_lead', 'dispatcher', 'leader', 'admin'];
/** Who writes plans (预案). */
const PLAN_EDIT: readonly Role[] = ['leader', 'admin'];
const tags = ['emergency'];

export function registerEmergencyRoutes(
  app: App,
  incidents: Incidents,
  plans: Plans,
  resources: Resources,
  roster: Roster,
  alarms: Alarms,
): void {
  app.get(
    '/api/public/emergency/notices',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'Public notices of incidents (突发事件信息发布): kind, level, notice; nothing internal',
        response: { 200: z.array(PublicNotice) },
      },
    },
    async () => incidents.publicNotices(),
  );
  app.post(
    '/api/emergency/incidents/:id/publish',
    {
      config: { access: COMMAND },
      schema: {
        tags,
        summary: 'Publish (or withdraw, with null) the incident’s notice on the citizen portal',
        params: IdParams,
        body: PublishBody,
        response: { 200: IncidentDetail },
      },
    },
    async (req) => incidents.publish(principalOf(req), req.params.id, req.body.notice),
  );
  app.get(
    '/api/emergency/roster',
    {
      config: { access: READ },
      schema: {
        tags,
        summary: 'The duty roster (值班表) between two instants, of the units the caller sees',
        querystring: RosterQuery,
        response: { 200: z.array(Shift) },
      },
    },
    async (req) =>
      roster.list(principalOf(req), new Date(req.query.from), new Date(req.query.to), req.query.unitId),
  );
  app.get(
    '/api/emergency/roster/on-duty',
    {
      config: { access: READ },
      schema: {
        tags,
        summary: 'Who is on duty now (当前值班)',
        querystring: OnDutyQuery,
        response: { 200: z.array(Shift) },
      },
    },
    async (req) => roster.onDutyNow(principalOf(req), req.query.unitId),
  );
  app.post(
    '/api/emergency/roster/shifts',
    {
      config: { access: ROSTER_EDIT },
      schema: {
        tags,
        summary: 'Roster a shift (排班); one person’s overlapping shifts are refused (409 shift_overlap)',
        body: ShiftCreate,
        response: { 201: Shift },
      },
    },
    async (req, reply) => reply.status(201).send(await roster.create(principalOf(req), req.body)),
  );
  app.post(
    '/api/emergency/roster/shifts/:id/handover',
    {
      config: { access: READ },
      schema: {
        tags,
        summary:
          'Hand a shift over (交接班) to the next of its unit and role: the person on it, or a shift lead',
        params: IdParams,
        body: HandoverBody,
        response: { 200: Shift },
      },
    },
    async (req) => roster.handover(principalOf(req), req.params.id, req.body.note),
  );
  app.get(
    '/api/emergency/alarms',
    {
      config: { access: READ },
      schema: {
        tags,
        summary: 'Device alarms of the caller’s area and what the rules made of them',
        querystring: AlarmQuery,
        response: { 200: z.array(EmergencyAlarm) },
      },
    },
    async (req) => alarms.list(principalOf(req), req.query.status),
  );
  app.post(
    '/api/emergency/alarms/:id/check',
    {
      config: { access: CHECK },
      schema: {
        tags,
        summary:
          'Check an alarm on the spot (核查): confirmed opens an incident, a false alarm closes it. Send an Idempotency-Key header: a resend returns the first answer.',
        params: IdParams,
        headers: AlarmCheckHeaders,
        body: AlarmCheck,
        response: { 200: EmergencyAlarm },
      },
    },
    async (req) =>
      alarms.check(
        principalOf(req),
        req.params.id,
        req.body.outcome,
        req.body.note,
        req.headers['idempotency-key'],
      ),
  );
  app.get(
    '/api/emergency/alarm-rules',
    {
      config: { access: RULES },
      schema: { tags, summary: 'Alarm rules (报警研判规则)', response: { 200: z.array(AlarmRuleT) } },
    },
    async () => alarms.rules(),
  );
  app.post(
    '/api/emergency/alarm-rules',
    {
      config: { access: RULES },
      schema: {
        tags,
        summary: 'A rule: N alarms of a group within M minutes open an incident of a type and level',
        body: AlarmRuleCreate,
        response: { 201: AlarmRuleT },
      },
    },
    async (req, reply) => reply.status(201).send(await alarms.createRule(principalOf(req), req.body)),
  );
  app.post(
    '/api/emergency/alarm-rules/:id/active',
    {
      config: { access: RULES },
      schema: {
        tags,
        summary: 'Switch a rule on or off',
        params: IdParams,
        body: RuleActive,
        response: { 200: AlarmRuleT },
      },
    },
    async (req) => alarms.setRuleActive(principalOf(req), req.params.id, req.body.active),
  );
  app.get(
    '/api/emergency/incidents',
    {
      config: { access: READ },
      schema: {
        tags,
        summary: 'Incidents (突发事件) the caller sees',
        querystring: IncidentQuery,
        response: { 200: z.array(IncidentSummary) },
      },
    },
    async (req) => incidents.list(principalOf(req), req.query.status),
  );
  app.post(
    '/api/emergency/incidents',
    {
      config: { access: REPORT },
      schema: {
        tags,
        summary: 'Report an incident (接报)',
        body: IncidentCreate,
        response: { 201: IncidentDetail },
      },
    },
    async (req, reply) => reply.status(201).send(await incidents.report(principalOf(req), req.body)),
  );
  app.get(
    '/api/emergency/incidents/:id',
    {
      config: { access: READ },
      schema: {
        tags,
        summary: 'An incident with its time line, cases, plans and tasks',
        params: IdParams,
        response: { 200: IncidentDetail },
      },
    },
    async (req) => incidents.detail(principalOf(req), req.params.id),
  );
  app.post(
    '/api/emergency/incidents/:id/level',
    {
      config: { access: COMMAND },
      schema: {
        tags,
        summary: 'Escalate or de-escalate (升级/降级); the units involved are notified',
        params: IdParams,
        body: LevelChange,
        response: { 200: IncidentDetail },
      },
    },
    async (req) => incidents.changeLevel(principalOf(req), req.params.id, req.body.level, req.body.note),
  );
  app.post(
    '/api/emergency/incidents/:id/command',
    {
      config: { access: COMMAND },
      schema: {
        tags,
        summary: 'Set the command roles (总指挥, 现场指挥, 联络员)',
        params: IdParams,
        body: CommandChange,
        response: { 200: IncidentDetail },
      },
    },
    async (req) => incidents.setCommand(principalOf(req), req.params.id, req.body),
  );
  app.post(
    '/api/emergency/incidents/:id/notes',
    {
      config: { access: REPORT },
      schema: {
        tags,
        summary: 'Add a line to the time line (续报)',
        params: IdParams,
        body: IncidentNote,
        response: { 200: IncidentDetail },
      },
    },
    async (req) => incidents.addNote(principalOf(req), req.params.id, req.body.note),
  );
  app.post(
    '/api/emergency/incidents/:id/cases',
    {
      config: { access: REPORT },
      schema: {
        tags,
        summary: 'Link a case the incident caused',
        params: IdParams,
        body: CaseLink,
        response: { 200: IncidentDetail },
      },
    },
    async (req) => incidents.linkCase(principalOf(req), req.params.id, req.body.caseId),
  );
  app.post(
    '/api/emergency/incidents/:id/close',
    {
      config: { access: COMMAND },
      schema: {
        tags,
        summary: 'Close the incident with its summary (总结)',
        params: IdParams,
        body: IncidentClose,
        response: { 200: IncidentDetail },
      },
    },
    async (req) => incidents.close(principalOf(req), req.params.id, req.body.summary),
  );
  app.post(
    '/api/emergency/incidents/:id/activations',
    {
      config: { access: COMMAND },
      schema: {
        tags,
        summary: 'Activate a plan version (启动预案): one task per step',
        params: IdParams,
        body: ActivateBody,
        response: { 200: IncidentDetail },
      },
    },
    async (req) => plans.activate(principalOf(req), req.params.id, req.body.planId),
  );
  app.post(
    '/api/emergency/tasks/:id/done',
    {
      config: { access: READ },
      schema: {
        tags,
        summary: "Mark an action-plan task done (its unit, or the incident's command)",
        params: IdParams,
        response: { 200: IncidentDetail },
      },
    },
    async (req) => plans.completeTask(principalOf(req), req.params.id),
  );
  app.get(
    '/api/emergency/plans',
    {
      config: { access: READ },
      schema: {
        tags,
        summary: 'The newest version of every plan (预案) the caller sees',
        response: { 200: z.array(Plan) },
      },
    },
    async (req) => plans.list(principalOf(req)),
  );
  app.get(
    '/api/emergency/plans/:id',
    {
      config: { access: READ },
      schema: { tags, summary: 'One plan version', params: IdParams, response: { 200: Plan } },
    },
    async (req) => plans.get(principalOf(req), req.params.id),
  );
  app.post(
    '/api/emergency/plans',
    {
      config: { access: PLAN_EDIT },
      schema: { tags, summary: 'Make a plan (version 1)', body: PlanCreate, response: { 201: Plan } },
    },
    async (req, reply) => reply.status(201).send(await plans.create(principalOf(req), req.body)),
  );
  app.post(
    '/api/emergency/plans/by-code/:code/versions',
    {
      config: { access: PLAN_EDIT },
      schema: {
        tags,
        summary: 'Revise a plan: a new version',
        params: PlanCodeParams,
        body: PlanRevise,
        response: { 201: Plan },
      },
    },
    async (req, reply) =>
      reply.status(201).send(await plans.revise(principalOf(req), req.params.code, req.body)),
  );
  app.get(
    '/api/emergency/resources',
    {
      config: { access: READ },
      schema: {
        tags,
        summary: 'Resources (物资, 队伍, 避难场所) of the caller’s area',
        querystring: ResourceQuery,
        response: { 200: z.array(Resource) },
      },
    },
    async (req) => resources.list(principalOf(req), req.query.kind),
  );
  app.post(
    '/api/emergency/resources',
    {
      config: { access: COMMAND },
      schema: {
        tags,
        summary: 'Register a resource at a point',
        body: ResourceCreate,
        response: { 201: Resource },
      },
    },
    async (req, reply) => reply.status(201).send(await resources.create(principalOf(req), req.body)),
  );
  app.get(
    '/api/emergency/resources/nearest',
    {
      config: { access: READ },
      schema: {
        tags,
        summary: 'The nearest resources to a point, by kind, category and quantity available',
        querystring: NearestQuery,
        response: { 200: z.array(NearestResource) },
      },
    },
    async (req) => resources.nearest(principalOf(req), req.query),
  );
  app.post(
    '/api/emergency/incidents/:id/dispatches',
    {
      config: { access: COMMAND },
      schema: {
        tags,
        summary: 'Dispatch a resource to the incident (调派); more than available → 400',
        params: IdParams,
        body: DispatchBody,
        response: { 200: IncidentDetail },
      },
    },
    async (req) =>
      resources.dispatch(principalOf(req), req.params.id, req.body.resourceId, req.body.quantity),
  );
  app.post(
    '/api/emergency/dispatches/:id/return',
    {
      config: { access: COMMAND },
      schema: {
        tags,
        summary: 'Return a dispatched resource (归还)',
        params: IdParams,
        response: { 200: IncidentDetail },
      },
    },
    async (req) => resources.giveBack(principalOf(req), req.params.id),
  );
}
