/** Test harness for API tests: a seeded server per store (PGlite and PostgreSQL), and logged-in clients. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll } from 'vitest';
import { loadConfig } from '../platform/config.js';
import type { Database, StoreKind } from '../platform/db/database.js';
import { describeEachStore } from '../platform/db/testing.js';
import { DEMO_PASSWORD, type SeedReport, seedDemo } from '../seed/demo.js';
import { buildServer, type Server } from '../server.js';

export interface Reply {
  status: number;
  body: unknown;
  // biome-ignore lint/suspicious/noExplicitAny: test convenience for reading JSON bodies
  json: any;
  headers: Record<string, unknown>;
  /** The body's bytes (for downloads). */
  raw: Buffer;
}

export interface Client {
  request(
    method: InjectOptions['method'],
    url: string,
    payload?: unknown,
    headers?: Record<string, string>,
  ): Promise<Reply>;
  get(url: string): Promise<Reply>;
  post(url: string, payload?: unknown): Promise<Reply>;
  patch(url: string, payload?: unknown): Promise<Reply>;
  delete(url: string): Promise<Reply>;
  csrfToken: string;
}

export interface ApiContext {
  server: Server;
  store: Database;
  seed: SeedReport;
  /** The server's data directory (the file store lives under it). */
  dataDir: string;
  /** A client with no credentials. */
  anonymous: Client;
  /** Logs in as a demo user (cookie session + CSRF token). */
  login(username: string, password?: string): Promise<Client>;
  /** A client authenticated by an API token. */
  withToken(token: string): Client;
}

function client(server: Server, base: { cookie?: string; csrf?: string; bearer?: string }): Client {
  const request: Client['request'] = async (method, url, payload, headers = {}) => {
    const h: Record<string, string> = { ...headers };
    if (base.cookie) h.cookie = base.cookie;
    if (base.csrf && h['x-csrf-token'] === undefined) h['x-csrf-token'] = base.csrf;
    if (base.bearer) h.authorization = `Bearer ${base.bearer}`;
    const res = await server.app.inject({
      method,
      url,
      headers: h,
      ...(payload === undefined
        ? {}
        : typeof payload === 'string'
          ? { payload }
          : { payload: payload as object }),
    });
    let json: unknown = null;
    try {
      json = res.body ? JSON.parse(res.body) : null;
    } catch {
      json = null;
    }
    return { status: res.statusCode, body: res.body, json, headers: res.headers, raw: res.rawPayload };
  };
  return {
    request,
    get: (url) => request('GET', url),
    post: (url, p) => request('POST', url, p ?? {}),
    patch: (url, p) => request('PATCH', url, p ?? {}),
    delete: (url) => request('DELETE', url),
    csrfToken: base.csrf ?? '',
  };
}

let addressSeq = 0;
/** Each test login comes from its own loopback address so the per-address login limit never trips by accident. */
export function nextAddress(): string {
  addressSeq++;
  return `127.${(addressSeq >> 16) & 255}.${(addressSeq >> 8) & 255}.${addressSeq & 255 || 1}`;
}

/** Defines the suite on both stores with 和平区 seeded (real divisions, generated grids, demo units and users). */
export function describeApi(title: string, body: (ctx: () => ApiContext, kind: StoreKind) => void): void {
  describeEachStore(title, (store, kind) => {
    let ctx: ApiContext | undefined;
    beforeAll(async () => {
      const seed = await seedDemo(store().db, { districts: ['120101'] });
      const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wangge-api-'));
      const config = { ...loadConfig({}), logLevel: 'silent', dataDir };
      const server = await buildServer(store(), config, { webDir: '/nonexistent', runJobs: false });
      ctx = {
        server,
        store: store(),
        seed,
        dataDir,
        anonymous: client(server, {}),
        async login(username, password = DEMO_PASSWORD) {
          const res = await server.app.inject({
            method: 'POST',
            url: '/api/auth/login',
            payload: { username, password },
            remoteAddress: nextAddress(),
          });
          if (res.statusCode !== 200) throw new Error(`login ${username}: ${res.statusCode} ${res.body}`);
          const cookie = res.cookies.find((c) => c.name === 'wg_session');
          return client(server, { cookie: `wg_session=${cookie?.value}`, csrf: res.json().csrfToken });
        },
        withToken: (token) => client(server, { bearer: token }),
      };
    });
    afterAll(async () => {
      await ctx?.server.close();
    });
    body(() => {
      if (!ctx) throw new Error('API context not ready');
      return ctx;
    }, kind);
  });
}

/** A multipart/form-data body with one file field named "file". */
export function multipart(filename: string, bytes: Buffer, mime: string) {
  const boundary = `----wangge${Date.now()}`;
  const head = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: ${mime}\r\n\r\n`;
  return {
    payload: Buffer.concat([Buffer.from(head), bytes, Buffer.from(`\r\n--${boundary}--\r\n`)]),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  };
}
