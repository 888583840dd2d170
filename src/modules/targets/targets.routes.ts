/** HTTP routes of the targets module (督查督办): documents, items, tasks, progress, urging, board, account. */

import { z } from 'zod';
import type { Role } from '../../platform/auth/roles.js';
import { Invalid } from '../../platform/errors.js';
import { type App, principalOf } from '../../platform/http/app.js';
import { loadExcelJS } from '../../platform/lazy-libraries.js';
import { planText, type TargetPlans } from './plans.service.js';
import type { TargetTasks } from './target-tasks.service.js';
import {
  AcceptedCount,
  AccountRow,
  Board,
  Created,
  type DOCUMENT_KINDS,
  DocumentCreate,
  DocumentCreateBody,
  DocumentDetail,
  DocumentQuery,
  DocumentSummary,
  IdParams,
  ItemCreate,
  LabelsQuery,
  PlanActual,
  PlanActualBody,
  PlanActualParams,
  PlanCreate,
  PlanReview,
  PlanReviewQuery,
  ProgressCreate,
  PublicResults,
  TargetItem,
  TargetPatch,
  TaskCreate,
  UrgeBody,
  UrgingResponseBody,
} from './targets.schemas.js';
import { documentText, type Targets } from './targets.service.js';

const SUPERVISE: readonly Role[] = ['supervisor', 'admin'];
const READ: readonly Role[] = ['supervisor', 'admin', 'leader', 'handler'];
const RAG_ZH = { green: '绿', yellow: '黄', red: '红' } as const;
const PATH_ZH = { met: '已实现', ahead: '超前', on_path: '符合进度', behind: '滞后' } as const;
const SOURCE_ZH = { statistical_bulletin: '统计公报', department: '部门数据' } as const;

export function registerTargetsRoutes(
  app: App,
  targets: Targets,
  tasks: TargetTasks,
  plans: TargetPlans,
): void {
  app.get(
    '/api/public/targets',
    {
      config: { access: 'public' },
      schema: {
        tags: ['targets', 'public'],
        summary:
          'Public results (公开结果): each report’s targets, lead units and status, without internal notes',
        response: { 200: PublicResults },
      },
    },
    async () => tasks.publicResults(),
  );
  app.post(
    '/api/targets/documents',
    {
      config: { access: SUPERVISE },
      schema: {
        tags: ['targets'],
        summary: 'Import a document from pasted text; its quantified items are proposed for review',
        body: DocumentCreateBody,
        response: { 201: DocumentDetail },
      },
    },
    async (req, reply) => reply.status(201).send(await targets.createDocument(principalOf(req), req.body)),
  );
  app.post(
    '/api/targets/documents/upload',
    {
      config: { access: SUPERVISE },
      schema: {
        tags: ['targets'],
        summary: 'Import a document from a .txt (UTF-8) or .docx file (multipart: file, title, year, kind)',
        response: { 201: DocumentDetail },
      },
    },
    async (req, reply) => {
      const file = await req.file();
      if (!file) throw new Invalid('empty_document', 'Attach the document as the multipart field "file".');
      const bytes = await file.toBuffer();
      const field = (name: string) => {
        const f = file.fields[name];
        return f && !Array.isArray(f) && f.type === 'field' ? String(f.value) : undefined;
      };
      const parsed = DocumentCreate.safeParse({
        title: field('title') ?? file.filename.replace(/\.[^.]+$/, ''),
        year: Number(field('year') ?? new Date().getFullYear()),
        kind: (field('kind') as (typeof DOCUMENT_KINDS)[number] | undefined) ?? 'work_report',
        text: await documentText(bytes, file.filename),
      });
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new Invalid('invalid_request', `${issue?.path.join('.')}: ${issue?.message}`);
      }
      return reply.status(201).send(await targets.createDocument(principalOf(req), parsed.data));
    },
  );
  app.get(
    '/api/targets/documents',
    { config: { access: READ }, schema: { tags: ['targets'], response: { 200: z.array(DocumentSummary) } } },
    async (req) => targets.listDocuments(principalOf(req)),
  );
  app.get(
    '/api/targets/documents/:id',
    {
      config: { access: READ },
      schema: { tags: ['targets'], params: IdParams, response: { 200: DocumentDetail } },
    },
    async (req) => targets.getDocument(principalOf(req), req.params.id),
  );
  app.post(
    '/api/targets/documents/:id/accept-all',
    {
      config: { access: SUPERVISE },
      schema: { tags: ['targets'], params: IdParams, response: { 200: AcceptedCount } },
    },
    async (req) => targets.acceptAll(principalOf(req), req.params.id),
  );
  app.patch(
    '/api/targets/items/:id',
    {
      config: { access: SUPERVISE },
      schema: {
        tags: ['targets'],
        summary: 'Accept, drop or edit one proposed item',
        params: IdParams,
        body: TargetPatch,
        response: { 200: TargetItem },
      },
    },
    async (req) => targets.updateTarget(principalOf(req), req.params.id, req.body),
  );
  app.post(
    '/api/targets/documents/:id/items',
    {
      config: { access: SUPERVISE },
      schema: {
        tags: ['targets'],
        summary: 'Add an item the extractor missed (a correction; its quote is the text at start..end)',
        params: IdParams,
        body: ItemCreate,
        response: { 201: TargetItem },
      },
    },
    async (req, reply) =>
      reply.status(201).send(await targets.addItem(principalOf(req), req.params.id, req.body)),
  );
  app.get(
    '/api/targets/documents/:id/labels.jsonl',
    {
      config: { access: READ },
      schema: {
        tags: ['targets'],
        summary:
          'The reviewed items (corrections included) as labelled data in the eval schema, one JSON object per line',
        params: IdParams,
        querystring: LabelsQuery,
      },
    },
    async (req, reply) =>
      reply
        .type('application/x-ndjson; charset=utf-8')
        .header('content-disposition', `attachment; filename="targets-${req.params.id.slice(0, 8)}.jsonl"`)
        .send(await targets.labels(principalOf(req), req.params.id, req.query.doc)),
  );
  app.get(
    '/api/targets/documents/:id/account',
    {
      config: { access: READ },
      schema: {
        tags: ['targets'],
        summary: '年底交账: every target against its reported outcome',
        params: IdParams,
        response: { 200: z.array(AccountRow) },
      },
    },
    async (req) => targets.yearEndAccount(principalOf(req), req.params.id),
  );
  app.post(
    '/api/targets/documents/:id/close',
    {
      config: { access: SUPERVISE },
      schema: { tags: ['targets'], summary: 'Close the year: no more progress', params: IdParams },
    },
    async (req, reply) => {
      await targets.closeYear(principalOf(req), req.params.id);
      return reply.status(204).send();
    },
  );

  app.post(
    '/api/targets/tasks',
    {
      config: { access: SUPERVISE },
      schema: { tags: ['targets'], body: TaskCreate, response: { 201: Created } },
    },
    async (req, reply) => reply.status(201).send(await tasks.createTask(principalOf(req), req.body)),
  );
  app.post(
    '/api/targets/tasks/:id/progress',
    {
      config: { access: ['handler', 'supervisor', 'admin'] },
      schema: {
        tags: ['targets'],
        summary:
          "File a month's progress (the task's lead or co-operating unit only); refiling a month replaces it",
        params: IdParams,
        body: ProgressCreate,
        response: { 201: Created },
      },
    },
    async (req, reply) =>
      reply.status(201).send(await tasks.fileProgress(principalOf(req), req.params.id, req.body)),
  );
  app.post(
    '/api/targets/tasks/:id/urge',
    {
      config: { access: SUPERVISE },
      schema: {
        tags: ['targets'],
        summary: '督办: send an urging notice to the units',
        params: IdParams,
        body: UrgeBody,
        response: { 201: Created },
      },
    },
    async (req, reply) =>
      reply.status(201).send(await tasks.urge(principalOf(req), req.params.id, req.body.notice)),
  );
  app.post(
    '/api/targets/urgings/:id/respond',
    {
      config: { access: ['handler'] },
      schema: {
        tags: ['targets'],
        params: IdParams,
        body: UrgingResponseBody,
        response: { 200: Created },
      },
    },
    async (req) => tasks.respondToUrging(principalOf(req), req.params.id, req.body.response),
  );

  app.get(
    '/api/targets/board',
    {
      config: { access: READ },
      schema: {
        tags: ['targets'],
        summary: 'The supervision board: every task with its light, by unit and by section',
        querystring: DocumentQuery,
        response: { 200: Board },
      },
    },
    async (req) => tasks.board(principalOf(req), req.query.documentId),
  );
  app.get(
    '/api/targets/board.xlsx',
    {
      config: { access: READ },
      schema: { tags: ['targets'], summary: 'The board as an XLSX workbook', querystring: DocumentQuery },
    },
    async (req, reply) => {
      const b = await tasks.board(principalOf(req), req.query.documentId);
      const wb = new (await loadExcelJS()).Workbook();
      const ws = wb.addWorksheet('督查督办');
      ws.addRow([
        '任务 task',
        '板块 section',
        '牵头单位 lead unit',
        '责任领导 leader',
        '截止 deadline',
        '计划进度 planned %',
        '实际进度 actual %',
        '状态 status',
        '最近报送 last report',
      ]).font = { bold: true };
      for (const t of b.tasks) {
        ws.addRow([
          t.title,
          t.section,
          t.leadUnitName,
          t.leader,
          t.deadline,
          t.planned,
          t.actual,
          RAG_ZH[t.status],
          t.reports.at(-1)?.period ?? '',
        ]);
      }
      ws.views = [{ state: 'frozen', ySplit: 1 }];
      return reply
        .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .header('content-disposition', 'attachment; filename="supervision-board.xlsx"')
        .send(Buffer.from(await wb.xlsx.writeBuffer()));
    },
  );

  // ---------- five-year plans (规划年度监测) ----------
  app.post(
    '/api/targets/plans',
    {
      config: { access: SUPERVISE },
      schema: {
        tags: ['targets'],
        summary:
          'Import a five-year plan from text: its indicator table (all rows or nothing) and prose targets',
        body: PlanCreate,
        response: { 201: PlanReview },
      },
    },
    async (req, reply) => reply.status(201).send(await plans.importPlan(principalOf(req), req.body)),
  );
  app.post(
    '/api/targets/plans/upload',
    {
      config: { access: SUPERVISE },
      schema: {
        tags: ['targets'],
        summary:
          'Import a five-year plan from a .docx (tables kept) or UTF-8 text file (multipart: file, title)',
        response: { 201: PlanReview },
      },
    },
    async (req, reply) => {
      const file = await req.file();
      if (!file) throw new Invalid('empty_document', 'Attach the plan as the multipart field "file".');
      const bytes = await file.toBuffer();
      const field = (name: string) => {
        const f = file.fields[name];
        return f && !Array.isArray(f) && f.type === 'field' ? String(f.value) : undefined;
      };
      const year = (name: string) => (field(name) === undefined ? undefined : Number(field(name)));
      const parsed = PlanCreate.safeParse({
        title: field('title') ?? file.filename.replace(/\.[^.]+$/, ''),
        text: await planText(bytes, file.filename),
        baseYear: year('baseYear'),
        targetYear: year('targetYear'),
        areaCode: field('areaCode'),
      });
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new Invalid('invalid_request', `${issue?.path.join('.')}: ${issue?.message}`);
      }
      return reply.status(201).send(await plans.importPlan(principalOf(req), parsed.data));
    },
  );
  app.get(
    '/api/targets/plans/:id/review',
    {
      config: { access: READ },
      schema: {
        tags: ['targets'],
        summary: '中期评估: each indicator against the straight path from base to target in a review year',
        params: IdParams,
        querystring: PlanReviewQuery,
        response: { 200: PlanReview },
      },
    },
    async (req) => plans.review(principalOf(req), req.params.id, req.query.year),
  );
  app.get(
    '/api/targets/plans/:id/review.xlsx',
    {
      config: { access: READ },
      schema: {
        tags: ['targets'],
        summary: 'The mid-term review as an XLSX workbook',
        params: IdParams,
        querystring: PlanReviewQuery,
      },
    },
    async (req, reply) => {
      const r = await plans.review(principalOf(req), req.params.id, req.query.year);
      const wb = new (await loadExcelJS()).Workbook();
      const ws = wb.addWorksheet('中期评估');
      const years = [...new Set(r.indicators.flatMap((i) => i.actuals.map((a) => a.year)))].sort();
      ws.addRow([
        '序号 no.',
        '指标 indicator',
        '单位 unit',
        '属性 type',
        '基期年 base year',
        '基期值 base',
        '目标年 target year',
        '目标值 target',
        ...years.map((y) => `${y}年实际 actual`),
        '评估年 review year',
        '应达值 on path',
        '差距 gap',
        '状态 status',
        '来源 source',
      ]).font = { bold: true };
      for (const i of r.indicators) {
        const last = i.latest;
        const source = last ? i.actuals.find((a) => a.year === last.year) : undefined;
        ws.addRow([
          i.position,
          i.name,
          i.unit,
          i.binding ? '约束性' : '预期性',
          i.baseYear,
          i.baseValue ?? '',
          i.targetYear,
          i.targetValue,
          ...years.map((y) => i.actuals.find((a) => a.year === y)?.value ?? ''),
          last?.year ?? '',
          last?.expected ?? '',
          last?.gap ?? '',
          last ? PATH_ZH[last.status] : '无数据',
          source ? `${SOURCE_ZH[source.source]} ${source.sourceNote}`.trim() : '',
        ]);
      }
      ws.views = [{ state: 'frozen', ySplit: 1 }];
      return reply
        .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .header('content-disposition', 'attachment; filename="plan-midterm-review.xlsx"')
        .send(Buffer.from(await wb.xlsx.writeBuffer()));
    },
  );
  app.put(
    '/api/targets/plan-indicators/:id/actuals/:year',
    {
      config: { access: SUPERVISE },
      schema: {
        tags: ['targets'],
        summary: "Record a plan indicator's actual value for a finished year, with its source",
        params: PlanActualParams,
        body: PlanActualBody,
        response: { 200: PlanActual },
      },
    },
    async (req) => plans.recordActual(principalOf(req), req.params.id, req.params.year, req.body),
  );
}
