/** HTTP routes of the org module: auth, units, users, tokens, rules, audit. Validate → call the service → shape. */
import { z } from 'zod';
import type { Role } from '../../platform/auth/roles.js';
import { type App, principalOf, SESSION_COOKIE } from '../../platform/http/app.js';
import type { Auth } from './auth.service.js';
import {
  AuditQuery,
  AuditRow,
  IdParams,
  LoginBody,
  MeResponse,
  NewToken,
  Rule,
  RuleCreate,
  RulePatch,
  Token,
  TokenCreate,
  Unit,
  UnitCreate,
  UnitPatch,
  User,
  UserCreate,
  UserPatch,
} from './org.schemas.js';
import type { Org } from './org.service.js';

const ADMIN: readonly Role[] = ['admin'];
const READ_UNITS: readonly Role[] = ['admin', 'dispatcher', 'shift_lead', 'supervisor', 'leader', 'operator'];
const READ_RULES: readonly Role[] = ['admin', 'dispatcher', 'shift_lead', 'supervisor'];

export function registerOrgRoutes(app: App, org: Org, auth: Auth, opts: { secureCookies: boolean }): void {
  app.post(
    '/api/auth/login',
    {
      config: { access: 'public' },
      schema: {
        tags: ['auth'],
        summary: 'Log in with a password',
        body: LoginBody,
        response: { 200: MeResponse },
      },
    },
    async (req, reply) => {
      const result = await auth.login({ ...req.body, source: req.ip });
      reply.setCookie(SESSION_COOKIE, result.sessionToken, {
        httpOnly: true,
        sameSite: 'strict',
        secure: opts.secureCookies,
        path: '/',
        expires: result.expiresAt,
      });
      return {
        user: await org.describeMe(result.principal),
        csrfToken: result.principal.csrfToken ?? '',
      };
    },
  );

  app.get(
    '/api/auth/me',
    { config: { access: 'authenticated' }, schema: { tags: ['auth'], response: { 200: MeResponse } } },
    async (req) => {
      const p = principalOf(req);
      return { user: await org.describeMe(p), csrfToken: p.csrfToken ?? '' };
    },
  );

  app.post(
    '/api/auth/logout',
    { config: { access: 'authenticated' }, schema: { tags: ['auth'] } },
    async (req, reply) => {
      const p = principalOf(req);
      if (p.sessionId) await auth.logout(p.sessionId);
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.status(204).send();
    },
  );

  // ---- units ----
  app.get(
    '/api/units',
    { config: { access: READ_UNITS }, schema: { tags: ['org'], response: { 200: z.array(Unit) } } },
    async (req) => org.listUnits(principalOf(req)),
  );
  app.get(
    '/api/units/:id',
    { config: { access: READ_UNITS }, schema: { tags: ['org'], params: IdParams, response: { 200: Unit } } },
    async (req) => org.getUnit(principalOf(req), req.params.id),
  );
  app.post(
    '/api/units',
    { config: { access: ADMIN }, schema: { tags: ['org'], body: UnitCreate, response: { 201: Unit } } },
    async (req, reply) => reply.status(201).send(await org.createUnit(principalOf(req), req.body)),
  );
  app.patch(
    '/api/units/:id',
    {
      config: { access: ADMIN },
      schema: { tags: ['org'], params: IdParams, body: UnitPatch, response: { 200: Unit } },
    },
    async (req) => org.updateUnit(principalOf(req), req.params.id, req.body),
  );
  app.delete(
    '/api/units/:id',
    { config: { access: ADMIN }, schema: { tags: ['org'], summary: 'Deactivate a unit', params: IdParams } },
    async (req, reply) => {
      await org.deactivateUnit(principalOf(req), req.params.id);
      return reply.status(204).send();
    },
  );

  // ---- users and tokens ----
  app.get(
    '/api/users',
    { config: { access: ADMIN }, schema: { tags: ['org'], response: { 200: z.array(User) } } },
    async (req) => org.listUsers(principalOf(req)),
  );
  app.post(
    '/api/users',
    { config: { access: ADMIN }, schema: { tags: ['org'], body: UserCreate, response: { 201: User } } },
    async (req, reply) => reply.status(201).send(await org.createUser(principalOf(req), req.body)),
  );
  app.patch(
    '/api/users/:id',
    {
      config: { access: ADMIN },
      schema: { tags: ['org'], params: IdParams, body: UserPatch, response: { 200: User } },
    },
    async (req) => org.updateUser(principalOf(req), req.params.id, req.body),
  );
  app.get(
    '/api/users/:id/tokens',
    {
      config: { access: ADMIN },
      schema: { tags: ['org'], params: IdParams, response: { 200: z.array(Token) } },
    },
    async (req) => auth.listTokens(principalOf(req), req.params.id),
  );
  app.post(
    '/api/users/:id/tokens',
    {
      config: { access: ADMIN },
      schema: {
        tags: ['org'],
        summary: 'Create an API token (shown once)',
        params: IdParams,
        body: TokenCreate,
        response: { 201: NewToken },
      },
    },
    async (req, reply) =>
      reply.status(201).send(await auth.createToken(principalOf(req), req.params.id, req.body.name)),
  );
  app.delete(
    '/api/tokens/:id',
    { config: { access: ADMIN }, schema: { tags: ['org'], params: IdParams } },
    async (req, reply) => {
      await auth.revokeToken(principalOf(req), req.params.id);
      return reply.status(204).send();
    },
  );

  // ---- responsibility rules ----
  app.get(
    '/api/rules',
    { config: { access: READ_RULES }, schema: { tags: ['org'], response: { 200: z.array(Rule) } } },
    async (req) => org.listRules(principalOf(req)),
  );
  app.post(
    '/api/rules',
    { config: { access: ADMIN }, schema: { tags: ['org'], body: RuleCreate, response: { 201: Rule } } },
    async (req, reply) => reply.status(201).send(await org.createRule(principalOf(req), req.body)),
  );
  app.patch(
    '/api/rules/:id',
    {
      config: { access: ADMIN },
      schema: { tags: ['org'], params: IdParams, body: RulePatch, response: { 200: Rule } },
    },
    async (req) => org.updateRule(principalOf(req), req.params.id, req.body),
  );
  app.delete(
    '/api/rules/:id',
    { config: { access: ADMIN }, schema: { tags: ['org'], params: IdParams } },
    async (req, reply) => {
      await org.deleteRule(principalOf(req), req.params.id);
      return reply.status(204).send();
    },
  );

  app.get(
    '/api/audit',
    {
      config: { access: ADMIN },
      schema: { tags: ['org'], querystring: AuditQuery, response: { 200: z.array(AuditRow) } },
    },
    async (req) => org.listAudit(req.query),
  );
}
