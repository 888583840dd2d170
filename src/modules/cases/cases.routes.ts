/** HTTP routes of the cases module: catalogue, intake, transitions, lists, detail, attachments, views. */
import { z } from 'zod';
import { ROLES, type Role } from '../../platform/auth/roles.js';
import { Invalid } from '../../platform/errors.js';
import type { FileStore } from '../../platform/files/files.js';
import { type App, principalOf } from '../../platform/http/app.js';
import { localize, pickLocale } from '../../platform/i18n/messages.js';
import {
  AssignBody,
  Assignees,
  BulkBody,
  BulkResult,
  CaseCreate,
  CaseDetail,
  CaseList,
  CaseQuery,
  CaseSummary,
  Category,
  CategoryParams,
  CategoryPatch,
  Duplicate,
  DuplicateQuery,
  ExportQuery,
  IdempotencyHeaders,
  IdOrNumberParams,
  IdParams,
  RevealedReporter,
  SavedView,
  SavedViewCreate,
  TransitionBody,
} from './cases.schemas.js';
import { type Cases, INTAKE_ROLES as INTAKE } from './cases.service.js';
import {
  createCategory,
  exportCatalogueXlsx,
  importCatalogueXlsx,
  listCategories,
  updateCategory,
} from './catalogue.service.js';
import { deleteView, listViews, saveView } from './views.service.js';

const ADMIN: readonly Role[] = ['admin'];
const STAFF: readonly Role[] = ROLES;

const Created = z.object({
  id: z.string(),
  number: z.string(),
  trackingCode: z.string(),
  state: z.string(),
  version: z.number(),
  areaCode: z.string(),
  suggestedUnitId: z.string().nullable(),
  dueAt: z.string().nullable(),
  replayed: z.boolean(),
});
const Transitioned = z.object({
  id: z.string(),
  number: z.string(),
  state: z.string(),
  version: z.number(),
  event: z.object({ seq: z.number(), type: z.string() }),
  replayed: z.boolean(),
});
const StoredFile = z.object({
  hash: z.string(),
  mime: z.string(),
  size: z.number(),
  width: z.number().nullable(),
  height: z.number().nullable(),
  thumbnail: z.boolean(),
});

export function registerCasesRoutes(app: App, cases: Cases, files: FileStore): void {
  const db = cases.engine.db;
  // ---- catalogue 立结案标准 ----
  app.get(
    '/api/categories',
    {
      config: { access: 'authenticated' },
      schema: {
        tags: ['cases'],
        summary: 'The category catalogue',
        querystring: z.object({ all: z.enum(['0', '1']).default('0') }),
        response: { 200: z.array(Category) },
      },
    },
    async (req) => listCategories(db, { includeInactive: req.query.all === '1' }),
  );
  app.post(
    '/api/categories',
    { config: { access: ADMIN }, schema: { tags: ['cases'], body: Category, response: { 201: Category } } },
    async (req, reply) => {
      const created = await createCategory(db, principalOf(req), req.body);
      cases.forgetCatalogue();
      return reply.status(201).send(created);
    },
  );
  app.patch(
    '/api/categories/:code',
    {
      config: { access: ADMIN },
      schema: { tags: ['cases'], params: CategoryParams, body: CategoryPatch, response: { 200: Category } },
    },
    async (req) => {
      const updated = await updateCategory(db, principalOf(req), req.params.code, req.body);
      cases.forgetCatalogue();
      return updated;
    },
  );
  app.get(
    '/api/categories/export.xlsx',
    { config: { access: STAFF }, schema: { tags: ['cases'], summary: 'The catalogue as an XLSX workbook' } },
    async (_req, reply) =>
      reply
        .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .header('content-disposition', 'attachment; filename="categories.xlsx"')
        .send(await exportCatalogueXlsx(db)),
  );
  app.post(
    '/api/categories/import',
    {
      config: { access: ADMIN },
      schema: {
        tags: ['cases'],
        summary: 'Import an XLSX catalogue (multipart field "file"); all rows or none',
        response: { 200: z.object({ imported: z.number() }) },
      },
    },
    async (req) => {
      const file = await req.file();
      if (!file) throw new Invalid('file_empty', 'Attach the workbook as the multipart field "file".');
      const imported = await importCatalogueXlsx(db, principalOf(req), await file.toBuffer());
      cases.forgetCatalogue();
      return imported;
    },
  );

  // ---- cases ----
  app.post(
    '/api/cases',
    {
      config: { access: INTAKE },
      schema: {
        tags: ['cases'],
        summary: 'Report a case (上报). Send an Idempotency-Key header: a resend returns the first answer.',
        headers: IdempotencyHeaders,
        body: CaseCreate,
        response: { 200: Created, 201: Created },
      },
    },
    async (req, reply) => {
      const created = await cases.intake.file(principalOf(req), req.body, {
        idempotencyKey: req.headers['idempotency-key'],
      });
      return reply.status(created.replayed ? 200 : 201).send(created);
    },
  );
  app.get(
    '/api/cases',
    {
      config: { access: STAFF },
      schema: { tags: ['cases'], querystring: CaseQuery, response: { 200: CaseList } },
    },
    async (req) => cases.queries.list(principalOf(req), req.query),
  );
  app.get(
    '/api/cases/duplicates',
    {
      config: { access: STAFF },
      schema: {
        tags: ['cases'],
        summary: 'Open cases of the same category nearby, and similar text',
        querystring: DuplicateQuery,
        response: { 200: z.array(Duplicate) },
      },
    },
    async (req) => cases.queries.duplicates(principalOf(req), req.query),
  );
  app.get(
    '/api/cases/whistle-board',
    {
      config: { access: STAFF },
      schema: {
        tags: ['cases'],
        summary: '吹哨报到: open cases with summoned units and their report-in state',
        response: { 200: z.array(CaseSummary) },
      },
    },
    async (req) => cases.queries.whistleBoard(principalOf(req)),
  );
  for (const format of ['csv', 'xlsx'] as const) {
    app.get(
      `/api/cases/export.${format}`,
      {
        // An export is a record of the list as it stood: a minute late is as good (read replica).
        config: { access: STAFF, staleness: 60 },
        schema: {
          tags: ['cases'],
          summary: `The case list as ${format.toUpperCase()} (案件导出): the same filters as GET /api/cases (or ids=, a selection), the caller's scope, reporters masked, the first time each state was reached; streamed`,
          querystring: ExportQuery,
        },
      },
      async (req, reply) => {
        const stream = await cases.exports.stream(principalOf(req), req.query, format);
        return reply
          .type(
            format === 'csv'
              ? 'text/csv; charset=utf-8'
              : 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
          )
          .header('content-disposition', `attachment; filename="cases.${format}"`)
          .header('cache-control', 'no-store')
          .send(stream);
      },
    );
  }
  app.post(
    '/api/cases/bulk',
    {
      config: { access: STAFF },
      schema: {
        tags: ['cases'],
        summary:
          'One action (sign 签收, dispatch 派遣, urge 催办, assign 分派到人) over up to 1,000 cases, each through the same rules in its own transaction; the answer says per case whether it succeeded or why not',
        body: BulkBody,
        response: { 200: BulkResult },
      },
    },
    async (req) => {
      const done = await cases.bulk.run(principalOf(req), req.body);
      // Each refusal in the caller's language, as an error answer would be.
      const locale = pickLocale(req.headers['accept-language']);
      return {
        ...done,
        results: done.results.map((r) =>
          r.error
            ? { ...r, error: { ...r.error, message: localize(r.error.code, r.error.message, locale) } }
            : r,
        ),
      };
    },
  );
  app.get(
    '/api/cases/:id',
    {
      config: { access: STAFF },
      schema: {
        tags: ['cases'],
        summary: 'A case by its id or its public number',
        params: IdOrNumberParams,
        response: { 200: CaseDetail },
      },
    },
    async (req) => cases.queries.detail(principalOf(req), req.params.id),
  );
  app.post(
    '/api/cases/:id/transitions',
    {
      config: { access: STAFF },
      schema: {
        tags: ['cases'],
        summary: 'Move the case through the loop. `version` must be the version you loaded (409 otherwise).',
        params: IdParams,
        headers: IdempotencyHeaders,
        body: TransitionBody,
        response: { 200: Transitioned },
      },
    },
    async (req) =>
      cases.transitions.transition(principalOf(req), req.params.id, req.body, req.headers['idempotency-key']),
  );
  app.get(
    '/api/cases/:id/assignees',
    {
      config: { access: STAFF },
      schema: {
        tags: ['cases'],
        summary:
          "The members of the case's unit with their workload (open, overdue), for the unit's own staff, and whether the caller may assign the case",
        params: IdParams,
        response: { 200: Assignees },
      },
    },
    async (req) => cases.assignments.assignees(principalOf(req), req.params.id),
  );
  app.post(
    '/api/cases/:id/assignment',
    {
      config: { access: STAFF },
      schema: {
        tags: ['cases'],
        summary:
          '分派到人: the head of the unit handling the case gives it to a member of the unit (userId), or takes it back (null). `version` as loaded (409 otherwise).',
        params: IdParams,
        headers: IdempotencyHeaders,
        body: AssignBody,
        response: { 200: Transitioned },
      },
    },
    async (req) =>
      cases.assignments.assign(principalOf(req), req.params.id, req.body, req.headers['idempotency-key']),
  );
  app.get(
    '/api/cases/:id/reporter',
    {
      config: { access: STAFF },
      schema: {
        tags: ['cases'],
        summary:
          'The reporter in clear, for intake staff of the area and the handling unit (audited: who, when, from where)',
        params: IdParams,
        response: { 200: RevealedReporter },
      },
    },
    async (req) => cases.queries.revealReporter(principalOf(req), req.params.id, { ip: req.ip }),
  );
  app.get(
    '/api/cases/:id/verify',
    {
      config: { access: ['admin', 'supervisor', 'leader'] },
      schema: { tags: ['cases'], summary: "Re-compute the case's event hash chain", params: IdParams },
    },
    async (req) => {
      await cases.queries.visibleRow(principalOf(req), req.params.id);
      return cases.queries.verifyChains(req.params.id);
    },
  );

  // ---- attachments ----
  app.post(
    '/api/attachments',
    {
      config: { access: STAFF },
      schema: {
        tags: ['cases'],
        summary: 'Upload one photo or PDF (multipart field "file"); the type is read from the bytes',
        response: { 201: StoredFile },
      },
    },
    async (req, reply) => {
      const file = await req.file();
      if (!file) throw new Invalid('file_empty', 'Attach the file as the multipart field "file".');
      const stored = await files.save(await file.toBuffer(), file.filename, principalOf(req).userId);
      return reply.status(201).send(stored);
    },
  );
  app.get(
    '/api/attachments/:hash',
    {
      config: { access: STAFF },
      schema: {
        tags: ['cases'],
        params: z.object({ hash: z.string().regex(/^[0-9a-f]{64}$/) }),
        querystring: z.object({ thumb: z.enum(['0', '1']).default('0') }),
      },
    },
    async (req, reply) => {
      await cases.queries.requireAttachmentVisible(principalOf(req), req.params.hash);
      const { bytes, mime } = await files.read(req.params.hash, req.query.thumb === '1');
      return reply.type(mime).header('cache-control', 'private, max-age=31536000, immutable').send(bytes);
    },
  );

  // ---- saved views ----
  app.get(
    '/api/case-views',
    { config: { access: STAFF }, schema: { tags: ['cases'], response: { 200: z.array(SavedView) } } },
    async (req) => listViews(db, principalOf(req)),
  );
  app.post(
    '/api/case-views',
    {
      config: { access: STAFF },
      schema: { tags: ['cases'], body: SavedViewCreate, response: { 201: SavedView } },
    },
    async (req, reply) => reply.status(201).send(await saveView(db, principalOf(req), req.body)),
  );
  app.delete(
    '/api/case-views/:id',
    { config: { access: STAFF }, schema: { tags: ['cases'], params: IdParams } },
    async (req, reply) => {
      await deleteView(db, principalOf(req), req.params.id);
      return reply.status(204).send();
    },
  );
}
