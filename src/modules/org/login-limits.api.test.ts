/**
 * Login limits under parallel requests: the account lockout and the per-address limit hold exactly
 * however many attempts arrive at once, and a locked account answers exactly like an unknown one.
 */
import { expect, it } from 'vitest';
import { type ApiContext, describeApi, nextAddress } from '../../testing/api.js';
import { AUTH_LIMITS } from './auth.service.js';

const RIGHT = 'correct-horse-battery';

describeApi('login limits hold under parallel requests', (ctx) => {
  let seq = 0;
  /** A fresh leader account with a known password. */
  async function newAccount(c: ApiContext): Promise<string> {
    const admin = await c.login('admin');
    const username = `limits${++seq}${Date.now().toString(36)}`;
    const created = await admin.post('/api/users', {
      username,
      displayName: '并发测试',
      password: RIGHT,
      roles: ['leader'],
      scope: '120101',
    });
    expect(created.status, JSON.stringify(created.json)).toBe(201);
    return username;
  }
  const attempt = (username: string, password: string, address = nextAddress()) =>
    ctx().server.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username, password },
      remoteAddress: address,
    });
  const lockedUntil = async (username: string) => {
    const admin = await ctx().login('admin');
    const users = (await admin.get('/api/users')).json as { username: string; lockedUntil: string | null }[];
    return users.find((u) => u.username === username)?.lockedUntil ?? null;
  };

  it('19 wrong passwords and the right one sent together: the account locks, the right one gets in at most as the serial rules allow', async () => {
    const username = await newAccount(ctx());
    const burst = [
      ...Array.from({ length: 19 }, () => attempt(username, 'wrong-password')),
      attempt(username, RIGHT),
    ];
    const replies = await Promise.all(burst);
    const wrong = replies.slice(0, 19);
    for (const r of wrong) expect(r.statusCode, r.body).toBe(401);
    // In any serial order of these 20 attempts at least 15 failures follow the right one, so the
    // account ends locked; the right one itself may only succeed if fewer than 5 failures preceded it.
    expect(await lockedUntil(username)).not.toBeNull();
    const after = await attempt(username, RIGHT);
    expect(after.statusCode, after.body).toBe(401);
  });

  it('exactly 5 failures lock: 4 wrong in parallel leave the account open, the 5th locks it', async () => {
    const username = await newAccount(ctx());
    const four = await Promise.all(
      Array.from({ length: AUTH_LIMITS.failuresToLock - 1 }, () => attempt(username, 'wrong-password')),
    );
    for (const r of four) expect(r.statusCode).toBe(401);
    expect(await lockedUntil(username)).toBeNull();
    expect((await attempt(username, 'wrong-password')).statusCode).toBe(401);
    expect(await lockedUntil(username)).not.toBeNull();
    expect((await attempt(username, RIGHT)).statusCode).toBe(401);
  });

  it('a locked account answers exactly like an unknown one and like a wrong password (status and body)', async () => {
    const username = await newAccount(ctx());
    for (let i = 0; i < AUTH_LIMITS.failuresToLock; i++)
      expect((await attempt(username, 'wrong-password')).statusCode).toBe(401);
    const locked = await attempt(username, RIGHT);
    const lockedWrong = await attempt(username, 'wrong-password');
    const unknown = await attempt(`nobody${Date.now()}`, RIGHT);
    const other = await newAccount(ctx());
    const wrong = await attempt(other, 'wrong-password');
    const shape = (r: { statusCode: number; body: string }) => ({ status: r.statusCode, body: r.body });
    expect(shape(locked)).toEqual(shape(unknown));
    expect(shape(lockedWrong)).toEqual(shape(unknown));
    expect(shape(wrong)).toEqual(shape(unknown));
    expect(unknown.statusCode).toBe(401);
    expect(unknown.json().error.code).toBe('invalid_credentials');
  });

  it(`holds the per-address limit exactly: ${AUTH_LIMITS.attemptsPerSource + 7} parallel attempts, ${AUTH_LIMITS.attemptsPerSource} answered`, async () => {
    const address = '127.201.0.1';
    const replies = await Promise.all(
      Array.from({ length: AUTH_LIMITS.attemptsPerSource + 7 }, (_, i) => attempt(`ghost${i}`, 'x', address)),
    );
    const statuses = replies.map((r) => r.statusCode);
    expect(statuses.filter((s) => s === 401)).toHaveLength(AUTH_LIMITS.attemptsPerSource);
    expect(statuses.filter((s) => s === 429)).toHaveLength(7);
    const over = replies.find((r) => r.statusCode === 429);
    expect(over?.json().error.code).toBe('too_many_attempts');
  });
});
