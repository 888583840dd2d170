import { expect, it } from 'vitest';
import { describeApi, nextAddress } from '../../testing/api.js';

describeApi('org API: auth, roles, scopes, bad input', (ctx) => {
  it('logs in with an httpOnly SameSite session cookie and returns the user with a CSRF token', async () => {
    const res = await ctx().server.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'dispatcher', password: ctx().seed.password },
      remoteAddress: nextAddress(),
    });
    expect(res.statusCode).toBe(200);
    const cookie = String(res.headers['set-cookie']);
    expect(cookie).toMatch(/wg_session=/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const body = res.json();
    expect(body.user).toMatchObject({
      username: 'dispatcher',
      roles: ['dispatcher'],
      scope: '120101',
      scopeName: '和平区',
    });
    expect(body.csrfToken).toMatch(/^[\w-]{20,}$/);
    expect(res.headers['content-security-policy']).toMatch(/default-src 'self'/);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  it('refuses a wrong password with 401 and a readable message, in Chinese by default and English on request', async () => {
    const zh = await ctx().anonymous.request('POST', '/api/auth/login', {
      username: 'leader',
      password: 'wrong-password',
    });
    expect(zh.status).toBe(401);
    expect(zh.json.error).toEqual({
      code: 'invalid_credentials',
      message: '用户名或密码错误（连续5次错误将锁定账号15分钟）',
    });
    const en = await ctx().anonymous.request(
      'POST',
      '/api/auth/login',
      { username: 'nobody', password: 'x' },
      { 'accept-language': 'en-US,en;q=0.9' },
    );
    expect(en.json.error.message).toBe(
      'Wrong username or password (5 failures in a row lock the account for 15 minutes).',
    );
  });

  it('locks an account after 5 failures, even against the right password', async () => {
    const admin = await ctx().login('admin');
    const created = await admin.post('/api/users', {
      username: 'lockme',
      displayName: '锁定测试',
      password: 'correct-horse-battery',
      roles: ['leader'],
      scope: '120101',
    });
    expect(created.status).toBe(201);
    for (let i = 0; i < 5; i++) {
      const r = await ctx().anonymous.request('POST', '/api/auth/login', {
        username: 'lockme',
        password: 'bad-password',
      });
      expect(r.status).toBe(401);
    }
    const locked = await ctx().anonymous.request('POST', '/api/auth/login', {
      username: 'lockme',
      password: 'correct-horse-battery',
    });
    // Refused exactly like a wrong password (see login-limits.api.test.ts), so locks reveal no usernames.
    expect(locked.status).toBe(401);
    expect(locked.json.error.code).toBe('invalid_credentials');
    const listed = await admin.get('/api/users');
    expect(listed.json.find((u: { username: string }) => u.username === 'lockme').lockedUntil).not.toBeNull();
  });

  it('limits login attempts per source address', async () => {
    const source = '127.200.0.1';
    const attempt = () =>
      ctx().server.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { username: 'ghost', password: 'x' },
        remoteAddress: source,
      });
    const statuses: number[] = [];
    for (let i = 0; i < 21; i++) statuses.push((await attempt()).statusCode);
    expect(statuses.slice(0, 20).every((s) => s === 401)).toBe(true);
    expect(statuses[20]).toBe(429);
  });

  it('requires the CSRF header on cookie-authenticated writes', async () => {
    const admin = await ctx().login('admin');
    const unit = { code: 'csrf-test', name: '测试单位', type: 'department', areaCode: '120101' };
    const without = await admin.request('POST', '/api/units', unit, { 'x-csrf-token': '' });
    expect(without.status).toBe(403);
    expect(without.json.error.code).toBe('csrf_failed');
    const wrong = await admin.request('POST', '/api/units', unit, { 'x-csrf-token': 'forged' });
    expect(wrong.status).toBe(403);
    const units = await admin.get('/api/units');
    expect(units.json.some((u: { code: string }) => u.code === 'csrf-test')).toBe(false);
    expect((await admin.post('/api/units', unit)).status).toBe(201);
  });

  it('admits each route only to its roles: 401 without login, 403 for the wrong role', async () => {
    expect((await ctx().anonymous.get('/api/units')).status).toBe(401);
    expect((await ctx().anonymous.get('/api/areas/tree')).status).toBe(401);
    const dispatcher = await ctx().login('dispatcher');
    expect((await dispatcher.get('/api/units')).status).toBe(200);
    expect((await dispatcher.get('/api/rules')).status).toBe(200);
    const forbidden = await dispatcher.get('/api/users');
    expect(forbidden.status).toBe(403);
    expect(forbidden.json.error.code).toBe('forbidden');
    const inspector = await ctx().login('inspector');
    expect((await inspector.get('/api/rules')).status).toBe(403);
    expect(
      (await inspector.post('/api/units', { code: 'x1', name: 'x', type: 'department', areaCode: '120101' }))
        .status,
    ).toBe(403);
  });

  it('keeps a street-scoped administrator inside the street: out-of-scope records are not found, writes are refused', async () => {
    const admin = await ctx().login('admin');
    const made = await admin.post('/api/users', {
      username: 'street_admin',
      displayName: '街道管理员',
      password: 'street-admin-password',
      roles: ['admin'],
      scope: '120101001',
    });
    expect(made.status).toBe(201);
    const streetAdmin = await ctx().login('street_admin', 'street-admin-password');
    const units = (await streetAdmin.get('/api/units')).json as { areaCode: string; id: string }[];
    expect(units.length).toBeGreaterThan(0);
    expect(units.every((u) => u.areaCode.startsWith('120101001'))).toBe(true);
    const all = (await admin.get('/api/units')).json as { areaCode: string; id: string }[];
    const other = all.find((u) => u.areaCode.startsWith('120101002'));
    expect((await streetAdmin.get(`/api/units/${other?.id}`)).status).toBe(404);
    const outside = await streetAdmin.post('/api/units', {
      code: 'x-out',
      name: '越权',
      type: 'community',
      areaCode: '120101002',
    });
    expect(outside.status).toBe(403);
    expect(outside.json.error.code).toBe('scope_outside');
    const escalate = await streetAdmin.post('/api/users', {
      username: 'sneaky',
      displayName: 'x',
      password: 'sneaky-password-1',
      roles: ['admin'],
      scope: '',
    });
    expect(escalate.status).toBe(403);
    expect((await streetAdmin.get('/api/areas/120101002')).status).toBe(404);
    const users = (await streetAdmin.get('/api/users')).json as { username: string }[];
    expect(users.map((u) => u.username)).not.toContain('dispatcher');
  });

  it('answers bad input with a clear 4xx and changes nothing', async () => {
    const admin = await ctx().login('admin');
    const before = (await admin.get('/api/units')).json.length;
    const malformed = await admin.request('POST', '/api/units', '{"code": "x",', {
      'content-type': 'application/json',
    });
    expect(malformed.status).toBe(400);
    expect(malformed.json.error.code).toBe('invalid_json');
    const wrongType = await admin.post('/api/units', {
      code: 'x2',
      name: 42,
      type: 'department',
      areaCode: '120101',
    });
    expect(wrongType.status).toBe(400);
    expect(wrongType.json.error.details[0].path).toBe('body.name');
    const script = await admin.post('/api/units', {
      code: 'x3',
      name: '<script>alert(1)</script>',
      type: 'department',
      areaCode: '120101',
    });
    expect(script.status).toBe(400);
    const unknownArea = await admin.post('/api/units', {
      code: 'x4',
      name: '未知',
      type: 'department',
      areaCode: '999999',
    });
    expect(unknownArea.status).toBe(400);
    expect(unknownArea.json.error.code).toBe('area_not_found');
    const huge = await admin.post('/api/units', {
      code: 'x5',
      name: 'x'.repeat(2 * 1024 * 1024),
      type: 'department',
      areaCode: '120101',
    });
    expect(huge.status).toBe(413);
    const badId = await admin.get('/api/units/not-a-uuid');
    expect(badId.status).toBe(400);
    const dup = await admin.post('/api/units', {
      code: '120101-cgw',
      name: '重复',
      type: 'department',
      areaCode: '120101',
    });
    expect(dup.status).toBe(409);
    const weak = await admin.post('/api/users', {
      username: 'weak',
      displayName: 'w',
      password: 'short',
      roles: ['leader'],
      scope: '120101',
    });
    expect(weak.status).toBe(400);
    const badRole = await admin.post('/api/users', {
      username: 'weak2',
      displayName: 'w',
      password: 'long-enough-pw',
      roles: ['king'],
      scope: '120101',
    });
    expect(badRole.status).toBe(400);
    expect((await admin.get('/api/units')).json.length).toBe(before);
    expect((await admin.get('/api/no-such-route')).status).toBe(404);
  });

  it('creates API tokens shown once, hashed at rest, usable as Bearer and revocable', async () => {
    const admin = await ctx().login('admin');
    const users = (await admin.get('/api/users')).json as { id: string; username: string }[];
    const leader = users.find((u) => u.username === 'leader');
    const made = await admin.post(`/api/users/${leader?.id}/tokens`, { name: '大屏' });
    expect(made.status).toBe(201);
    const token = made.json.token as string;
    expect(token).toMatch(/^wg_/);
    const stored = await ctx()
      .store.db.selectFrom('api_tokens')
      .select('token_hash')
      .where('id', '=', made.json.id)
      .executeTakeFirstOrThrow();
    expect(stored.token_hash).not.toContain(token);
    const listed = await admin.get(`/api/users/${leader?.id}/tokens`);
    expect(JSON.stringify(listed.json)).not.toContain(token);
    const machine = ctx().withToken(token);
    const me = await machine.get('/api/auth/me');
    expect(me.json.user.username).toBe('leader');
    // Token clients need no CSRF header: there is no ambient cookie to abuse.
    expect((await machine.get('/api/areas/tree')).status).toBe(200);
    expect((await admin.delete(`/api/tokens/${made.json.id}`)).status).toBe(204);
    expect((await machine.get('/api/auth/me')).status).toBe(401);
    expect((await ctx().withToken('wg_forged').get('/api/auth/me')).status).toBe(401);
  });

  it('audits who changed what, with before and after', async () => {
    const admin = await ctx().login('admin');
    const units = (await admin.get('/api/units')).json as { id: string; code: string; name: string }[];
    const cgw = units.find((u) => u.code === '120101-cgw');
    const res = await admin.patch(`/api/units/${cgw?.id}`, { nameEn: 'City Management Commission' });
    expect(res.status).toBe(200);
    const audit = await admin.get(`/api/audit?entity=unit&entityId=${cgw?.id}`);
    expect(audit.json[0]).toMatchObject({
      actorName: '系统管理员',
      action: 'update',
      before: { nameEn: 'Urban Management Commission' },
      after: { nameEn: 'City Management Commission' },
    });
  });

  it('manages ordered responsibility rules and resolves the responsible unit', async () => {
    const admin = await ctx().login('admin');
    const units = (await admin.get('/api/units')).json as { id: string; code: string }[];
    const water = units.find((u) => u.code === '120101-sw');
    const created = await admin.post('/api/rules', {
      position: 5,
      categoryPattern: 'event.0107',
      areaPrefix: '120101',
      unitId: water?.id,
    });
    expect(created.status).toBe(201);
    const rules = (await admin.get('/api/rules')).json as { id: string; position: number }[];
    expect(rules[0]?.id).toBe(created.json.id);
    const bad = await admin.post('/api/rules', {
      categoryPattern: 'DROP TABLE',
      areaPrefix: '120101',
      unitId: water?.id,
    });
    expect(bad.status).toBe(400);
    expect((await admin.delete(`/api/rules/${created.json.id}`)).status).toBe(204);
  });

  it('logs out: the session no longer works', async () => {
    const leader = await ctx().login('leader');
    expect((await leader.post('/api/auth/logout')).status).toBe(204);
    expect((await leader.get('/api/auth/me')).status).toBe(401);
  });
});
