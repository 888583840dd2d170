/**
 * Asserts every cell of the authorization matrix (authz-matrix.json) on both stores: each route × each
 * principal × each probe record answers the status (or list membership) the table says, and personal
 * data fields come back clear, masked or hidden as it says. A route without a row, a row without a
 * probe, or a cell still marked TODO fails.
 */
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { projectRoot } from '../platform/config.js';
import { routeTable } from '../platform/http/app.js';
import { describeApi } from './api.js';
import {
  type Answer,
  buildFixtures,
  buildPrincipals,
  type Caller,
  type Fixtures,
  type Req,
} from './authz-fixtures.js';
import {
  type AuthzMatrix,
  type Cell,
  DOC_FILE,
  type FieldView,
  MATRIX_FILE,
  PRINCIPALS,
  type PrincipalName,
  routeKey,
  summarizeMatrix,
} from './authz-matrix.js';
import { PROBES } from './authz-probes.js';

const matrix = JSON.parse(fs.readFileSync(path.join(projectRoot, MATRIX_FILE), 'utf8')) as AuthzMatrix;

function viewOf(value: unknown): FieldView {
  if (value === null || value === undefined) return 'hidden';
  const text = JSON.stringify(value);
  return text.includes('*') ? 'masked' : 'clear';
}

function fieldValue(json: unknown, field: string): unknown {
  let v: unknown = json;
  for (const part of field.split('.')) v = (v as Record<string, unknown> | null)?.[part];
  return v;
}

function compare(
  key: string,
  variant: string,
  name: PrincipalName,
  i: number,
  expected: Cell,
  fields: AuthzMatrix['routes'][string]['fields'],
  req: Req,
  res: Answer,
): string[] {
  const wrong: string[] = [];
  const code = res.json?.error?.code;
  const got: Cell =
    (expected === 'listed' || expected === 'absent') && res.status === 200
      ? req.find?.(res.json)
        ? 'listed'
        : 'absent'
      : typeof expected === 'string' && expected.includes(':')
        ? `${res.status}:${code ?? ''}`
        : res.status;
  if (got !== expected) {
    const detail = res.status >= 400 ? ` (${code ?? JSON.stringify(res.json)})` : '';
    wrong.push(`${key} [${variant}] ${name}: expected ${expected}, got ${got}${detail}`);
  }
  for (const [field, byVariant] of Object.entries(fields ?? {})) {
    const want = byVariant[variant]?.[i];
    if (!want) continue;
    const seen: FieldView = res.status === 200 ? viewOf(fieldValue(res.json, field)) : '-';
    if (seen !== want)
      wrong.push(`${key} [${variant}] ${name}: field ${field} expected ${want}, got ${seen}`);
  }
  return wrong;
}

describeApi('authorization matrix', (ctx) => {
  let fx: Fixtures;
  let callers: Map<PrincipalName, Caller>;

  beforeAll(async () => {
    const key = ctx().seed.open311Key;
    if (!key) throw new Error('the seed made no Open311 key');
    fx = await buildFixtures(ctx(), key);
    callers = await buildPrincipals(ctx(), fx, key);
  });

  it('has one reviewed row per route, a probe per row, and no undecided cell', () => {
    expect(matrix.principals).toEqual([...PRINCIPALS]);
    const live = routeTable(ctx().server.app)
      .filter((r) => /^\/(api|open311)\//.test(r.url))
      .map((r) => routeKey(r.method, r.url))
      .sort();
    expect(Object.keys(matrix.routes).sort(), 'run npx tsx scripts/authz-matrix.ts').toEqual(live);
    for (const [key, row] of Object.entries(matrix.routes)) {
      const probes = PROBES[key];
      expect(probes, `no probe for ${key} in authz-probes.ts`).toBeDefined();
      expect(Object.keys(row.cells).sort(), `variants of ${key}`).toEqual(Object.keys(probes ?? {}).sort());
      for (const [variant, cells] of Object.entries(row.cells)) {
        expect(cells, `${key} ${variant}`).toHaveLength(PRINCIPALS.length);
        expect(cells.includes('TODO'), `${key} ${variant} has undecided cells`).toBe(false);
      }
    }
  });

  it('is the table docs/SECURITY.md shows', () => {
    const doc = fs.readFileSync(path.join(projectRoot, DOC_FILE), 'utf8');
    expect(doc.includes(summarizeMatrix(matrix)), 'run npx tsx scripts/authz-matrix.ts --doc').toBe(true);
  });

  it('answers every cell as the matrix says', async () => {
    const wrong: string[] = [];
    for (const [key, row] of Object.entries(matrix.routes)) {
      for (const [variant, cells] of Object.entries(row.cells)) {
        // The principals of one cell row go together: each probe carries its own records.
        const results = await Promise.all(
          PRINCIPALS.map(async (name, i) => {
            const expected = cells[i] as Cell;
            const build = PROBES[key]?.[variant];
            const who = callers.get(name);
            if (!build || !who) return [];
            let req: Req;
            let res: Answer;
            try {
              req = await build(fx, name);
              res = await who.send(req);
            } catch (err) {
              return [`${key} [${variant}] ${name}: the probe failed: ${String(err)}`];
            }
            return compare(key, variant, name, i, expected, row.fields, req, res);
          }),
        );
        wrong.push(...results.flat());
      }
    }
    expect(wrong).toEqual([]);
  }, 180_000); // every route × principal × variant on the embedded store: well over the default minute

  it('writes every view of personal data in clear to the audit trail: who, when, which record, from where', async () => {
    const operator = callers.get('operator') as Caller;
    const own = fx.cases.own;
    const revealed = await operator.send({ method: 'GET', url: `/api/cases/${own.id}/reporter` });
    expect(revealed.json).toEqual({ reporter: { name: '王女士', phone: own.phone } });
    const masked = await operator.send({ method: 'GET', url: `/api/cases/${own.id}` });
    expect(masked.json).toMatchObject({
      reporter: { name: '王**', phone: '138****0001' },
      reporterRevealable: true,
    });
    await operator.send({ method: 'GET', url: `/api/hotline/callers/${own.phone}/cases` });
    const audit = async (entity: string, entityId: string) =>
      (await fx.admin.send({ method: 'GET', url: `/api/audit?entity=${entity}&entityId=${entityId}` })).json;
    const views = await audit('case', own.id);
    expect(views[0]).toMatchObject({
      action: 'view_personal',
      actorId: fx.users.operator,
      entity: 'case',
      entityId: own.id,
      after: { ip: expect.stringMatching(/^127\./), number: own.number },
    });
    expect(Date.now() - new Date(views[0].at).getTime()).toBeLessThan(60_000);
    const lookups = await audit('caller', '138****0001');
    expect(lookups[0]).toMatchObject({
      action: 'view_personal',
      actorId: fx.users.operator,
      after: { cases: [own.number], ip: expect.stringMatching(/^127\./) },
    });
    // A refused reveal leaves no trace of personal data and writes nothing.
    const before = (await audit('case', fx.cases.petition.id)).length;
    expect(
      (await operator.send({ method: 'GET', url: `/api/cases/${fx.cases.petition.id}/reporter` })).status,
    ).toBe(403);
    expect((await audit('case', fx.cases.petition.id)).length).toBe(before);
  });
});
