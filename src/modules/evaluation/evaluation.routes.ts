/** HTTP routes of the evaluation module: indicators, the assessment scheme, scores, the bulletin, the dashboard. */
import type { Role } from '../../platform/auth/roles.js';
import { ROLES } from '../../platform/auth/roles.js';
import { type App, principalOf } from '../../platform/http/app.js';
import { bulletinXlsx } from './bulletin-xlsx.js';
import type { Dashboard } from './dashboard.service.js';
import {
  BulletinOut,
  BulletinQuery,
  DashboardOut,
  FigureQuery,
  IndicatorsOut,
  SchemeOut,
  SchemePut,
  SchemeQuery,
  ScoresOut,
} from './evaluation.schemas.js';
import type { Evaluation } from './evaluation.service.js';

/** Every staff role may read figures; what each sees is cut by its scope (handlers: their unit's cases). */
const STAFF: readonly Role[] = ROLES;
/** Who edits a district's scheme. */
const SCHEME_EDITORS: readonly Role[] = ['admin', 'leader'];
/** Roles that oversee: their home page is the dashboard. */
export const OVERSEERS: readonly Role[] = ['leader', 'supervisor', 'shift_lead', 'dispatcher'];

/**
 * How old (seconds) the figures may be when a read replica answers: figures over a period move with
 * each case step, a minute late changes no ranking; the monthly bulletin and scores are read days after
 * their month; the dashboard is a leader's glance, refreshed by hand.
 */
const STALENESS = { indicators: 60, monthly: 300, dashboard: 30 } as const;

export function registerEvaluationRoutes(app: App, evaluation: Evaluation, dashboard: Dashboard): void {
  app.get(
    '/api/evaluation/indicators',
    {
      config: { access: STAFF, staleness: STALENESS.indicators },
      schema: {
        tags: ['evaluation'],
        summary:
          'Every indicator for a period (period=YYYY|YYYY-Qn|YYYY-MM|YYYY-MM-DD, or from/to) and an area or unit',
        querystring: FigureQuery,
        response: { 200: IndicatorsOut },
      },
    },
    async (req) => evaluation.indicators(principalOf(req), req.query),
  );
  app.get(
    '/api/evaluation/scheme',
    {
      config: { access: STAFF },
      schema: {
        tags: ['evaluation'],
        summary: "The assessment scheme in force for a district's month",
        querystring: SchemeQuery,
        response: { 200: SchemeOut },
      },
    },
    async (req) => evaluation.scheme(principalOf(req), req.query.district, req.query.period),
  );
  app.put(
    '/api/evaluation/scheme',
    {
      config: { access: SCHEME_EDITORS },
      schema: {
        tags: ['evaluation'],
        summary:
          "Save a district's assessment scheme from a month on (malformed weights: 400 naming the field)",
        body: SchemePut,
        response: { 200: SchemeOut },
      },
    },
    async (req) => evaluation.saveScheme(principalOf(req), req.body),
  );
  app.get(
    '/api/evaluation/scores',
    {
      config: { access: STAFF, staleness: STALENESS.monthly },
      schema: {
        tags: ['evaluation'],
        summary: 'Composite scores per street and department, every point traced to its rule and cases',
        querystring: BulletinQuery,
        response: { 200: ScoresOut },
      },
    },
    async (req) => evaluation.scores(principalOf(req), req.query),
  );
  app.get(
    '/api/evaluation/bulletin',
    {
      config: { access: STAFF, staleness: STALENESS.monthly },
      schema: {
        tags: ['evaluation'],
        summary: 'The monthly bulletin (通报): rankings with ties, change on last month, worst overdue cases',
        querystring: BulletinQuery,
        response: { 200: BulletinOut },
      },
    },
    async (req) => evaluation.bulletin(principalOf(req), req.query),
  );
  app.get(
    '/api/evaluation/bulletin.xlsx',
    {
      config: { access: STAFF, staleness: STALENESS.monthly },
      schema: {
        tags: ['evaluation'],
        summary: 'The monthly bulletin as an XLSX workbook',
        querystring: BulletinQuery,
      },
    },
    async (req, reply) => {
      const b = await evaluation.bulletin(principalOf(req), req.query);
      return reply
        .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .header('content-disposition', `attachment; filename="bulletin-${b.district}-${b.period.label}.xlsx"`)
        .send(await bulletinXlsx(b));
    },
  );
  app.get(
    '/api/evaluation/dashboard',
    {
      config: { access: STAFF, staleness: STALENESS.dashboard },
      schema: {
        tags: ['evaluation'],
        summary:
          "The leader's home page: today, the 三率 and composite this month vs last, overdue, worst units, whistles",
        response: { 200: DashboardOut },
      },
    },
    async (req) => dashboard.dashboard(principalOf(req)),
  );
}
