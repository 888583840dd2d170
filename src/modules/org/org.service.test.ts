/** Org, Auth and notifications use cases over a real database, without HTTP (a few areas, no demo seed). */
import { beforeAll, expect, it } from 'vitest';
import type { Principal } from '../../platform/auth/roles.js';
import { describeEachStore } from '../../platform/db/testing.js';
import { Notifications, notify } from '../notifications/notifications.service.js';
import { type AreaInsert, Places, upsertAreas } from '../places/places.service.js';
import { Auth, principalFromToken } from './auth.service.js';
import { Org, responsibleUnit } from './org.service.js';

const AREAS: AreaInsert[] = [
  ['120101', '和平区', 'district', null],
  ['120101001', '劝业场街道', 'street', '120101'],
  ['120103', '河西区', 'district', null],
].map(([code, name, level, parentCode]) => ({
  code: code as string,
  name: name as string,
  level: level as AreaInsert['level'],
  parentCode: parentCode ?? null,
  geometry: null,
  bbox: null,
  synthetic: true,
  source: 'test',
}));

const root: Principal = {
  userId: '00000000-0000-4000-8000-000000000000',
  username: 'root',
  displayName: 'root',
  roles: ['admin'],
  unitId: null,
  scope: '',
  via: 'token',
  csrfToken: null,
  sessionId: null,
};
const heping: Principal = { ...root, scope: '120101' };

describeEachStore('org services', (store) => {
  let org: Org;
  let auth: Auth;
  let unitId: string;

  beforeAll(async () => {
    await upsertAreas(store().db, AREAS);
    org = new Org(store().db, new Places(store().db));
    auth = new Auth(store().db);
    unitId = (
      await org.createUnit(root, {
        code: 'hp-cgw',
        name: '和平区城管委',
        nameEn: '',
        type: 'department',
        areaCode: '120101',
        parentId: null,
      })
    ).id;
    await org.createUnit(root, {
      code: 'hx-cgw',
      name: '河西区城管委',
      nameEn: '',
      type: 'department',
      areaCode: '120103',
      parentId: null,
    });
  });

  it('scopes units in SQL and refuses unknown areas and writes outside the scope', async () => {
    expect((await org.listUnits(heping)).map((u) => u.code)).toEqual(['hp-cgw']);
    expect((await org.listUnits(root)).map((u) => u.code)).toEqual(['hp-cgw', 'hx-cgw']);
    const base = { code: 'x-1', name: 'x', nameEn: '', type: 'department' as const, parentId: null };
    await expect(org.createUnit(root, { ...base, areaCode: '120199' })).rejects.toMatchObject({
      code: 'area_not_found',
    });
    await expect(org.createUnit(heping, { ...base, areaCode: '120103' })).rejects.toMatchObject({
      code: 'scope_outside',
    });
    await expect(org.createUnit(root, { ...base, code: 'hp-cgw', areaCode: '120101' })).rejects.toMatchObject(
      {
        code: 'duplicate',
      },
    );
  });

  it('logs a new user in, ends the session when the user is deactivated', async () => {
    const user = await org.createUser(heping, {
      username: 'wang',
      displayName: '王',
      password: 'a-long-password',
      roles: ['handler'],
      unitId,
      scope: '120101001',
    });
    expect(user).toMatchObject({ unitName: '和平区城管委', active: true });
    const login = await auth.login({ username: 'WANG', password: 'a-long-password', source: 'test' });
    expect(login.principal).toMatchObject({ userId: user.id, scope: '120101001' });
    expect(await org.describeMe(login.principal)).toMatchObject({
      scopeName: '劝业场街道',
      unitName: '和平区城管委',
    });
    expect(await auth.principalFromSession(login.sessionToken)).toMatchObject({ userId: user.id });
    await org.updateUser(heping, user.id, { active: false });
    expect(await auth.principalFromSession(login.sessionToken)).toBeNull();
    await expect(
      auth.login({ username: 'wang', password: 'a-long-password', source: 'test' }),
    ).rejects.toMatchObject({ code: 'invalid_credentials' });
  });

  it('creates, uses and revokes an API token', async () => {
    const user = await org.createUser(root, {
      username: 'machine',
      displayName: 'machine',
      password: 'another-long-password',
      roles: ['operator'],
      unitId,
      scope: '120101',
    });
    const { id, token } = await auth.createToken(heping, user.id, 'test');
    expect(await principalFromToken(store().db, token)).toMatchObject({ userId: user.id, via: 'token' });
    expect((await auth.listTokens(heping, user.id)).map((t) => t.name)).toEqual(['test']);
    await auth.revokeToken(heping, id);
    expect(await auth.principalFromToken(token)).toBeNull();
  });

  it('resolves the responsible unit from ordered rules, and forgets the cache on a change', async () => {
    expect(await responsibleUnit(store().db, 'event.0101', '120101001001001')).toBeNull();
    const rule = await org.createRule(heping, {
      categoryPattern: 'event',
      areaPrefix: '120101',
      unitId,
      note: '',
    });
    expect(await org.responsibleUnit('event.0101', '120101001001001')).toEqual({
      unitId,
      unitName: '和平区城管委',
      ruleId: rule.id,
    });
    await org.deleteRule(heping, rule.id);
    expect(await responsibleUnit(store().db, 'event.0101', '120101001001001')).toBeNull();
  });

  it('writes notifications inside the caller’s transaction, once per ref, and marks them read', async () => {
    const inbox = new Notifications(store().db);
    await expect(
      store()
        .db.transaction()
        .execute(async (trx) => {
          await notify(trx, [{ unitId, kind: 'target_urged', message: 'rolled back' }]);
          throw new Error('abort');
        }),
    ).rejects.toThrow('abort');
    const reminder = { unitId, kind: 'progress_due', message: '请报送', ref: 'task:2026-05' };
    expect(await notify(store().db, [reminder])).toBe(1);
    expect(await notify(store().db, [reminder])).toBe(0);
    const me = { unitId, userId: '00000000-0000-4000-8000-000000000099' };
    const [n] = await inbox.list(me);
    expect(await inbox.list(me)).toHaveLength(1);
    expect(n).toMatchObject({ kind: 'progress_due', read: false });
    await inbox.markRead(me, n?.id ?? 0);
    expect((await inbox.list(me))[0]?.read).toBe(true);
    await expect(inbox.markRead({ unitId: null, userId: me.userId }, n?.id ?? 0)).rejects.toMatchObject({
      code: 'notification_not_found',
    });
    expect(await inbox.list({ unitId: null, userId: me.userId })).toEqual([]);
  });
});
