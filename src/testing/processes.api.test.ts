/**
 * Stateless processes: two servers (each its own pool, caches and timers, as two `wangge serve`
 * processes would have) on one PostgreSQL database share sessions, login limits, idempotency keys,
 * uploads (one files directory) and jobs. A server store only: the embedded store is one process's.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { InjectOptions } from 'fastify';
import pg from 'pg';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { AUTH_LIMITS } from '../modules/org/auth.service.js';
import { loadConfig } from '../platform/config.js';
import { type Database, openDatabase } from '../platform/db/database.js';
import { TEMPLATE_DB } from '../platform/db/pg-server.js';
import { enqueueJobs, type JobHandler, runDueJobs } from '../platform/jobs/jobs.js';
import { DEMO_PASSWORD, seedDemo } from '../seed/demo.js';
import { buildServer, type Server } from '../server.js';
import { nextAddress } from './api.js';
import { wholeCellCentre } from './grid-cells.js';

const run = inject('pgUrl') ? describe : describe.skip;

run('two server processes on one PostgreSQL database [postgres]', () => {
  let dbName = '';
  const stores: Database[] = [];
  let a: Server;
  let b: Server;
  let filesDir = '';

  beforeAll(async () => {
    const base = inject('pgUrl');
    dbName = `wangge_t_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: base });
    await admin.connect();
    await admin.query(`create database ${dbName} template ${TEMPLATE_DB}`);
    await admin.end();
    const url = base.replace(/\/postgres$/, `/${dbName}`);
    for (let i = 0; i < 2; i++) stores.push(await openDatabase({ kind: 'postgres', url, poolSize: 4 }));
    const [sa, sb] = stores as [Database, Database];
    await seedDemo(sa.db, { districts: ['120101'] });
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wangge-procs-'));
    filesDir = path.join(dataDir, 'shared-files');
    const config = { ...loadConfig({}), logLevel: 'silent', dataDir, filesDir };
    a = await buildServer(sa, config, { webDir: '/nonexistent', runJobs: false });
    b = await buildServer(sb, config, { webDir: '/nonexistent', runJobs: false });
  });

  afterAll(async () => {
    await a?.close();
    await b?.close();
    for (const s of stores) await s.close();
    const c = new pg.Client({ connectionString: inject('pgUrl') });
    await c.connect();
    await c.query(`drop database if exists ${dbName} with (force)`);
    await c.end();
    fs.rmSync(path.dirname(filesDir), { recursive: true, force: true });
  });

  const login = (s: Server, username: string, password = DEMO_PASSWORD, address = nextAddress()) =>
    s.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username, password },
      remoteAddress: address,
    });
  type Session = { cookie: string; csrf: string };
  async function session(s: Server, username: string): Promise<Session> {
    const res = await login(s, username);
    expect(res.statusCode, res.body).toBe(200);
    const cookie = res.cookies.find((c) => c.name === 'wg_session');
    return { cookie: `wg_session=${cookie?.value}`, csrf: res.json().csrfToken };
  }
  const call = (s: Server, who: Session, opts: InjectOptions) =>
    s.app.inject({
      ...opts,
      headers: { ...(opts.headers ?? {}), cookie: who.cookie, 'x-csrf-token': who.csrf },
    });

  it('a session opened on one process is honoured by the other, and a logout on either ends it on both', async () => {
    const who = await session(a, 'inspector');
    const onB = await call(b, who, { method: 'GET', url: '/api/auth/me' });
    expect(onB.statusCode, onB.body).toBe(200);
    expect(onB.json().user.username).toBe('inspector');
    const out = await call(b, who, { method: 'POST', url: '/api/auth/logout', payload: {} });
    expect(out.statusCode, out.body).toBeLessThan(300);
    expect((await call(a, who, { method: 'GET', url: '/api/auth/me' })).statusCode).toBe(401);
  });

  it('login failures sent to both processes add up: the account locks after the fifth, wherever it landed', async () => {
    const adminSession = await session(a, 'admin');
    const username = `procs${Date.now().toString(36)}`;
    const created = await call(a, adminSession, {
      method: 'POST',
      url: '/api/users',
      payload: {
        username,
        displayName: '多进程',
        password: 'correct-horse-battery',
        roles: ['leader'],
        scope: '120101',
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    const servers = [a, b];
    const failures = await Promise.all(
      Array.from({ length: AUTH_LIMITS.failuresToLock }, (_, i) =>
        login(servers[i % 2] as Server, username, 'wrong'),
      ),
    );
    for (const f of failures) expect(f.statusCode).toBe(401);
    // Locked on both processes, although neither saw five failures itself.
    for (const s of servers) expect((await login(s, username, 'correct-horse-battery')).statusCode).toBe(401);
  });

  it('the per-address login limit counts attempts on both processes together', async () => {
    const address = nextAddress();
    const servers = [a, b];
    const replies = await Promise.all(
      Array.from({ length: 24 }, (_, i) => login(servers[i % 2] as Server, `nobody${i}`, 'x', address)),
    );
    const limited = replies.filter((r) => r.statusCode === 429).length;
    expect(limited).toBe(24 - AUTH_LIMITS.attemptsPerSource);
  });

  it('one idempotency key sent to both processes at once files one case, and both answer with it', async () => {
    const grid = await wholeCellCentre(a.store.db, '120101001');
    const [onA, onB] = [await session(a, 'inspector'), await session(b, 'inspector')];
    const key = `procs-${randomBytes(8).toString('hex')}`;
    const report = (s: Server, who: Session) =>
      call(s, who, {
        method: 'POST',
        url: '/api/cases',
        headers: { 'idempotency-key': key },
        payload: {
          categoryCode: 'event.0102',
          title: '两个进程',
          description: '同一个键',
          lon: grid.lon,
          lat: grid.lat,
        },
      });
    const replies = await Promise.all([report(a, onA), report(b, onB), report(a, onA), report(b, onB)]);
    const ok = replies.filter((r) => r.statusCode === 201 || r.statusCode === 200);
    const ids = new Set(ok.map((r) => r.json().id));
    expect(ids.size).toBe(1);
    // The others may answer 409 while the first is still in flight; none files a second case.
    for (const r of replies) expect([200, 201, 409]).toContain(r.statusCode);
    const filed = await a.store.db.selectFrom('cases').select('id').where('title', '=', '两个进程').execute();
    expect(filed).toHaveLength(1);
    const again = await report(b, onB);
    expect(again.json().id).toBe([...ids][0]);
  });

  it('a file uploaded through one process is read through the other (one shared file store)', async () => {
    const who = await session(a, 'inspector');
    const bytes = await sharp({ create: { width: 40, height: 30, channels: 3, background: '#c63' } })
      .png()
      .toBuffer();
    const boundary = `----procs${Date.now()}`;
    const head = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="p.png"\r\nContent-Type: image/png\r\n\r\n`;
    const up = await call(a, who, {
      method: 'POST',
      url: '/api/attachments',
      payload: Buffer.concat([Buffer.from(head), bytes, Buffer.from(`\r\n--${boundary}--\r\n`)]),
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
    });
    expect(up.statusCode, up.body).toBeLessThan(300);
    const onB = await session(b, 'inspector');
    const read = await call(b, onB, { method: 'GET', url: `/api/attachments/${up.json().hash}` });
    expect(read.statusCode, read.body).toBe(200);
    expect(read.rawPayload.equals(bytes)).toBe(true);
  });

  it('jobs taken by both processes at once run exactly once each', async () => {
    const now = new Date();
    await enqueueJobs(
      a.store.db,
      Array.from({ length: 30 }, (_, i) => ({
        type: 'procs_mark',
        runAt: new Date(now.getTime() - 1000 - i),
        payload: { i },
      })),
    );
    const handlers = (by: string): Record<string, JobHandler> => ({
      procs_mark: async (trx, payload) => {
        await trx
          .insertInto('audit_log')
          .values({ actor_name: by, action: 'run', entity: 'procs_mark', entity_id: String(payload.i) })
          .execute();
      },
    });
    const [ranA, ranB] = await Promise.all(
      [a, b].map((s, i) =>
        runDueJobs(s.store.db, handlers(`p${i}`), { worker: `p${i}`, now: () => now, leaseSeconds: 60 }),
      ),
    );
    const marks = await a.store.db
      .selectFrom('audit_log')
      .select('entity_id')
      .where('entity', '=', 'procs_mark')
      .execute();
    expect(marks).toHaveLength(30);
    expect(new Set(marks.map((m) => m.entity_id)).size).toBe(30);
    expect((ranA ?? 0) + (ranB ?? 0)).toBeGreaterThanOrEqual(30);
  });
});
