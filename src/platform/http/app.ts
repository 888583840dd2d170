/** The HTTP platform: Fastify with zod schemas, declared access per route, sessions/tokens, CSRF, errors, OpenAPI. */
import fs from 'node:fs';
import path from 'node:path';
import cookie from '@fastify/cookie';
import multipart from '@fastify/multipart';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import {
  hasZodFastifySchemaValidationErrors,
  jsonSchemaTransform,
  jsonSchemaTransformObject,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import helmet from 'helmet';
import type { Access, Principal, Role } from '../auth/roles.js';
import { DomainError, Forbidden, Unauthorized } from '../errors.js';
import { localize, pickLocale } from '../i18n/messages.js';
import { normalizeRequest, strictJsonParser } from './edge.js';

export const SESSION_COOKIE = 'wg_session';
export const CSRF_HEADER = 'x-csrf-token';

/** How a request's credentials become a principal; supplied by the module that owns users (org). */
export interface Authenticator {
  fromSession(cookieValue: string): Promise<Principal | null>;
  fromToken(token: string): Promise<Principal | null>;
}

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
  interface FastifyContextConfig {
    /** Who may call this route. Every /api and /open311 route must say; there is no default. */
    access?: Access;
    /**
     * A read-only route that may be answered from a read replica whose data is at most this many
     * seconds old (see db/replicas.ts). Without it, every query goes to the primary.
     */
    staleness?: number;
  }
}

/** Reads on replicas (supplied by the store when DATABASE_READ_URL is set). */
export interface ReadRouting {
  /** Runs `fn` with queries on a standby at most `stalenessS` old that holds the caller's last write (`wroteAt`). */
  within<T>(stalenessS: number, wroteAt: number | null, fn: () => T): T;
}

/** The cookie that remembers, across processes, when this browser last changed something (read your writes). */
export const WROTE_COOKIE = 'wg_wrote';

export type App = FastifyInstance<
  import('node:http').Server,
  import('node:http').IncomingMessage,
  import('node:http').ServerResponse,
  import('fastify').FastifyBaseLogger,
  ZodTypeProvider
>;

export interface AppOptions {
  authenticator: Authenticator;
  logLevel?: string;
  /** Built web app to serve at `/`, with client-side routing fallback. */
  webDir?: string;
  /** Extra origins allowed for map tiles in the content security policy. */
  tileOrigin?: string | null;
  bodyLimit?: number;
  maxUploadBytes?: number;
  /**
   * Which peers may speak for the client in X-Forwarded-For (so that `req.ip`, used by the login and
   * portal limits, is the real client): false (default), a hop count, or addresses/CIDRs.
   */
  trustProxy?: false | number | readonly string[];
  /** Send Strict-Transport-Security (only when the public address is https). */
  hsts?: boolean;
  /** Read replicas; routes with `config.staleness` read there. */
  reads?: ReadRouting;
}

/** One registered route and who may call it: the rows of the authorization matrix (src/testing/authz-matrix.json). */
export interface RouteEntry {
  method: string;
  url: string;
  access: Access | undefined;
}
const routeTables = new WeakMap<object, RouteEntry[]>();

/** Every route of the app (HEAD twins of GET routes left out), in registration order. */
export function routeTable(app: FastifyInstance | App): readonly RouteEntry[] {
  return routeTables.get(app) ?? [];
}

/** The principal of an authenticated route; routes that admit the public must not call this. */
export function principalOf(req: FastifyRequest): Principal {
  if (!req.principal) throw new Unauthorized('unauthenticated', 'Log in first.');
  return req.principal;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Fastify's trustProxy. A hop count trusts the nearest `n` hops whoever they are (Fastify itself turns a
 * bare number into "trust nothing"), so it is only safe when the server is reachable through the proxy alone.
 */
function trustProxyOption(
  tp: AppOptions['trustProxy'],
): boolean | string[] | ((addr: string, hop: number) => boolean) {
  if (typeof tp === 'number') return (_addr, hop) => hop < tp;
  return tp ? [...tp] : false;
}

export async function createApp(opts: AppOptions): Promise<App> {
  const app = Fastify({
    logger: { level: opts.logLevel ?? 'info' },
    bodyLimit: opts.bodyLimit ?? 1024 * 1024,
    trustProxy: trustProxyOption(opts.trustProxy),
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.decorateRequest('principal', null);
  strictJsonParser(app);

  await app.register(cookie);
  // One file per multipart request; larger files fail with 413 before they are read whole.
  await app.register(multipart, {
    limits: { fileSize: opts.maxUploadBytes ?? 10 * 1024 * 1024, files: 1, fields: 10 },
  });
  // Helmet's middleware built once (@fastify/helmet builds it again for every request).
  const securityHeaders = helmet({
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        imgSrc: ["'self'", 'data:', 'blob:', ...(opts.tileOrigin ? [opts.tileOrigin] : [])],
        connectSrc: ["'self'", ...(opts.tileOrigin ? [opts.tileOrigin] : [])],
        workerSrc: ["'self'", 'blob:'],
        styleSrc: ["'self'", "'unsafe-inline'"], // antd writes its styles at run time
        scriptSrc: ["'self'"],
        frameAncestors: ["'none'"],
        upgradeInsecureRequests: null,
      },
    },
    crossOriginEmbedderPolicy: false,
    // HSTS only when the public address is https; over plain http it would lock browsers out.
    hsts: opts.hsts ? { maxAge: 180 * 24 * 3600, includeSubDomains: true } : false,
  });
  app.addHook('onRequest', (req, reply, done) =>
    securityHeaders(req.raw, reply.raw, (err) => done(err as Error | undefined)),
  );
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Wangge API',
        version: '0.1.0',
        description: 'Wangge (网格) district governance platform',
      },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE },
          token: { type: 'http', scheme: 'bearer' },
        },
      },
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject, // the named (recursive) schemas the $refs point to
  });

  const routes: RouteEntry[] = [];
  routeTables.set(app, routes);
  // Deny by default: a route under /api that does not declare who may call it is a programming error.
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) {
      if (method !== 'HEAD') routes.push({ method, url: route.url, access: route.config?.access });
    }
    if (route.url.startsWith('/api/') && route.config?.access === undefined) {
      throw new Error(`Route ${route.method} ${route.url} does not declare config.access`);
    }
    const staleness = route.config?.staleness;
    if (staleness !== undefined) {
      if ([route.method].flat().some((m) => !SAFE_METHODS.has(m)))
        throw new Error(`Route ${route.method} ${route.url}: only reads may declare config.staleness`);
      const reads = opts.reads;
      const handler = route.handler;
      if (reads)
        route.handler = function (this: unknown, req, reply) {
          return reads.within(staleness, lastWrite(req), () => handler.call(this as never, req, reply));
        };
    }
  });

  // Read your writes: a change that succeeded is remembered for this principal (this process) and in a
  // cookie (any process), so that the caller's next reads skip standbys that may not have it yet.
  if (opts.reads) {
    app.addHook('onSend', async (req, reply) => {
      if (SAFE_METHODS.has(req.method) || reply.statusCode >= 400) return;
      const now = Date.now();
      const key = writerKey(req);
      if (key) recentWrites.set(key, now);
      reply.setCookie(WROTE_COOKIE, String(now), {
        path: '/',
        httpOnly: true,
        sameSite: 'strict',
        maxAge: 600,
      });
    });
  }

  // Who is calling and whether they may, before the body is even read: an anonymous or wrong-role
  // caller learns nothing of the schemas (401/403 before any validation message).
  app.addHook('onRequest', async (req) => {
    req.principal = await authenticate(req, opts.authenticator);
    const access = req.routeOptions.config?.access;
    if (access === undefined || access === 'public') return;
    const p = req.principal;
    if (!p) throw new Unauthorized('unauthenticated', 'Log in first.');
    if (access !== 'authenticated' && !p.roles.some((r: Role) => access.includes(r))) {
      throw new Forbidden('forbidden', `This needs one of the roles: ${access.join(', ')}.`);
    }
    if (p.via === 'session' && !SAFE_METHODS.has(req.method)) {
      const sent = req.headers[CSRF_HEADER];
      if (typeof sent !== 'string' || sent !== p.csrfToken) {
        throw new Forbidden(
          'csrf_failed',
          `Send the ${CSRF_HEADER} header given at login with every change.`,
        );
      }
    }
  });

  // Text made canonical once, before validation: what is stored, hashed and shown is the same string.
  app.addHook('preValidation', normalizeRequest);

  app.setErrorHandler((err, req, reply) => {
    const locale = pickLocale(req.headers['accept-language']);
    const send = (status: number, code: string, english: string, details?: unknown) =>
      reply.status(status).send({
        error: {
          code,
          message: localize(code, english, locale, details),
          ...(details === undefined ? {} : { details }),
        },
      });
    if (err instanceof DomainError) return send(err.status, err.code, err.message, err.details);
    if (hasZodFastifySchemaValidationErrors(err)) {
      const details = err.validation.map((v) => ({
        path: `${err.validationContext ?? 'body'}${v.instancePath.replaceAll('/', '.')}`,
        message: v.message,
      }));
      const first = details[0];
      return send(
        400,
        'invalid_request',
        first ? `${first.path}: ${first.message}` : 'Invalid request.',
        details,
      );
    }
    const e = err as { statusCode?: number; code?: string; message?: string };
    switch (e.code) {
      case 'FST_ERR_CTP_INVALID_JSON_BODY':
      case 'FST_ERR_CTP_EMPTY_JSON_BODY':
        return send(400, 'invalid_json', 'The request body is not valid JSON.');
      case 'FST_ERR_CTP_BODY_TOO_LARGE':
        return send(413, 'body_too_large', 'The request body is too large.');
      case 'FST_REQ_FILE_TOO_LARGE':
        return send(413, 'file_too_large', 'The file is larger than the upload limit.');
      case 'FST_INVALID_MULTIPART_CONTENT_TYPE':
        return send(415, 'multipart_required', 'Send the file as multipart/form-data.');
      case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
        return send(415, 'unsupported_media_type', 'Unsupported content type; send application/json.');
    }
    if (e.statusCode && e.statusCode >= 400 && e.statusCode < 500) {
      return send(e.statusCode, 'invalid_request', e.message ?? 'Invalid request.');
    }
    if (isDatabaseUnavailable(err)) {
      // The database is restarting, failing over or unreachable: nothing was written; try again.
      req.log.warn({ err }, 'database unavailable');
      reply.header('retry-after', '5');
      return send(503, 'database_unavailable', 'The database is not reachable just now; try again shortly.');
    }
    req.log.error({ err }, 'unhandled error');
    return send(500, 'internal', 'Internal error; it has been logged.');
  });

  app.setNotFoundHandler((req, reply) => {
    const isApi = req.url.startsWith('/api/') || req.url.startsWith('/open311/');
    if (
      !isApi &&
      opts.webDir &&
      req.method === 'GET' &&
      fs.existsSync(path.join(opts.webDir, 'index.html'))
    ) {
      return reply.type('text/html').sendFile('index.html');
    }
    const locale = pickLocale(req.headers['accept-language']);
    return reply.status(404).send({
      error: {
        code: 'route_not_found',
        message: localize('route_not_found', `No route ${req.method} ${req.url}.`, locale),
      },
    });
  });

  if (opts.webDir && fs.existsSync(opts.webDir)) {
    await app.register(fastifyStatic, { root: opts.webDir, wildcard: false, index: ['index.html'] });
  }

  app.get('/api/openapi.json', { config: { access: 'public' }, schema: { hide: true } }, async () =>
    app.swagger(),
  );
  return app;
}

/** Tokens and session ids are printable ASCII; anything else (a NUL from a percent-decoded cookie) is no credential. */
const CREDENTIAL = /^[\x21-\x7e]{1,512}$/;

async function authenticate(req: FastifyRequest, auth: Authenticator): Promise<Principal | null> {
  const header = req.headers.authorization;
  if (header?.startsWith('Bearer ')) {
    const token = header.slice(7).trim();
    return CREDENTIAL.test(token) ? auth.fromToken(token) : null;
  }
  const cookieValue = req.cookies[SESSION_COOKIE];
  if (cookieValue) return CREDENTIAL.test(cookieValue) ? auth.fromSession(cookieValue) : null;
  return null;
}

/** When each principal last wrote through this process (read your writes for API tokens, which carry no cookie). */
const recentWrites = new Map<string, number>();
const RECENT_WRITES_KEPT = 10_000;

function writerKey(req: FastifyRequest): string | null {
  const p = req.principal;
  if (!p) return null;
  if (recentWrites.size > RECENT_WRITES_KEPT) recentWrites.clear();
  return p.userId;
}

/** The caller's last successful write (cookie from any process, or this process's memory), or null. */
function lastWrite(req: FastifyRequest): number | null {
  const cookie = Number(req.cookies?.[WROTE_COOKIE]);
  const mine = req.principal ? (recentWrites.get(req.principal.userId) ?? null) : null;
  const fromCookie = Number.isFinite(cookie) && cookie > 0 ? cookie : null;
  if (fromCookie === null) return mine;
  return mine === null ? fromCookie : Math.max(mine, fromCookie);
}

/** SQLSTATE classes and socket errors that mean "the database is away", not "the request is wrong". */
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  '57P01',
  '57P02',
  '57P03',
  '53300',
  // A write that reached a standby: during a failover the old primary is read-only until it is demoted.
  '25006',
]);

export function isDatabaseUnavailable(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown };
  if (typeof e.code === 'string' && (UNAVAILABLE_CODES.has(e.code) || e.code.startsWith('08'))) return true;
  return (
    typeof e.message === 'string' &&
    /Connection terminated|connect ECONNREFUSED|timeout exceeded when trying to connect/.test(e.message)
  );
}
