/**
 * API tests of the emergency module's second slice on both stores: the duty roster (overlaps, who is on
 * duty, handovers, alerts in-app and by SMS), device alarms decided by rules (one alarm, two within 5
 * minutes, a high-rise, a replay, joining), the migration of old alarm cases, public notices.
 */
import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { beforeAll, expect, it } from 'vitest';
import { migrationsDir } from '../../platform/db/migrate.js';
import { type Client, describeApi } from '../../testing/api.js';
import { sign } from '../channels/device-signature.js';
import type { LoggingSmsSender } from './sms-sender.js';

describeApi('emergency: duty roster, alarms, public notices', (ctx) => {
  let admin: Client;
  let leader: Client;
  let shiftLead: Client;
  let supervisor: Client;
  let inspector: Client;
  let centre: string;
  let cgw: string;
  const user = async (username: string) =>
    (
      await ctx()
        .store.db.selectFrom('users')
        .select('id')
        .where('username', '=', username)
        .executeTakeFirstOrThrow()
    ).id;
  const sms = () => ctx().server.emergency.sms as LoggingSmsSender;

  beforeAll(async () => {
    admin = await ctx().login('admin');
    leader = await ctx().login('leader');
    shiftLead = await ctx().login('shift_lead');
    supervisor = await ctx().login('supervisor');
    inspector = await ctx().login('inspector');
    const units = (await admin.get('/api/units')).json as { id: string; code: string }[];
    centre = units.find((u) => u.code === '120101-zhzx')?.id as string;
    cgw = units.find((u) => u.code === '120101-cgw')?.id as string;
  });

  // ---------- roster ----------

  it('refuses a second shift of one person that overlaps the first, whatever the unit, changing nothing', async () => {
    const supervisorId = await user('supervisor');
    const shift = (startsAt: string, endsAt: string, unitId = centre) => ({
      unitId,
      userId: supervisorId,
      role: 'officer',
      startsAt,
      endsAt,
      phone: '13900000009',
    });
    const first = await shiftLead.post(
      '/api/emergency/roster/shifts',
      shift('2030-01-01T00:00:00Z', '2030-01-01T12:00:00Z'),
    );
    expect(first.status, JSON.stringify(first.json)).toBe(201);
    expect(first.json).toMatchObject({ role: 'officer', userName: expect.any(String), onDuty: false });
    const count = async () =>
      (await ctx().store.db.selectFrom('emergency_shifts').select('id').execute()).length;
    const before = await count();
    const overlap = await shiftLead.post(
      '/api/emergency/roster/shifts',
      shift('2030-01-01T11:00:00Z', '2030-01-01T20:00:00Z'),
    );
    expect([overlap.status, overlap.json.error.code]).toEqual([409, 'shift_overlap']);
    expect(overlap.json.error.details.shifts[0].id).toBe(first.json.id);
    // Inside the first, around it: refused too.
    for (const [a, b] of [
      ['2030-01-01T02:00:00Z', '2030-01-01T03:00:00Z'],
      ['2029-12-31T20:00:00Z', '2030-01-02T00:00:00Z'],
    ] as const)
      expect((await shiftLead.post('/api/emergency/roster/shifts', shift(a, b))).status).toBe(409);
    // A shift that ends before it starts, or a person of another unit: 400.
    const backwards = await shiftLead.post(
      '/api/emergency/roster/shifts',
      shift('2030-01-03T12:00:00Z', '2030-01-03T00:00:00Z'),
    );
    expect([backwards.status, backwards.json.error.code]).toEqual([400, 'invalid_shift']);
    const stranger = await shiftLead.post(
      '/api/emergency/roster/shifts',
      shift('2030-01-05T00:00:00Z', '2030-01-05T12:00:00Z', cgw),
    );
    expect([stranger.status, stranger.json.error.code]).toEqual([400, 'not_unit_member']);
    expect(await count()).toBe(before);
    // Back to back is no overlap: the next shift starts when the first ends.
    const next = await shiftLead.post(
      '/api/emergency/roster/shifts',
      shift('2030-01-01T12:00:00Z', '2030-01-02T00:00:00Z'),
    );
    expect(next.status).toBe(201);
    // Only the command centre writes the roster.
    expect(
      (
        await inspector.post(
          '/api/emergency/roster/shifts',
          shift('2030-02-01T00:00:00Z', '2030-02-01T08:00:00Z'),
        )
      ).status,
    ).toBe(403);
  });

  it('says who is on duty now (the seeded week), lists a period, and hands a shift over once', async () => {
    const now = await leader.get(`/api/emergency/roster/on-duty?unitId=${centre}`);
    expect(now.status).toBe(200);
    const roles = (now.json as { role: string; userName: string; onDuty: boolean }[]).map((s) => s.role);
    expect(roles).toEqual(['leader', 'officer']);
    expect(now.json.every((s: { onDuty: boolean }) => s.onDuty)).toBe(true);
    const from = new Date(Date.now() - 86_400_000).toISOString();
    const to = new Date(Date.now() + 3 * 86_400_000).toISOString();
    const week = await leader.get(
      `/api/emergency/roster?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}&unitId=${centre}`,
    );
    expect(week.status).toBe(200);
    expect(week.json.length).toBeGreaterThanOrEqual(6);
    expect(
      (await leader.get('/api/emergency/roster?from=2030-01-02T00:00:00Z&to=2030-01-01T00:00:00Z')).status,
    ).toBe(400);
    // The leader on duty hands over to tomorrow's leader shift.
    const mine = now.json.find((s: { role: string }) => s.role === 'leader');
    const handed = await leader.post(`/api/emergency/roster/shifts/${mine.id}/handover`, {
      note: '夜间无警情，防汛物资已清点',
    });
    expect(handed.status, JSON.stringify(handed.json)).toBe(200);
    expect(handed.json.handover).toMatchObject({
      note: '夜间无警情，防汛物资已清点',
      toShiftId: expect.any(String),
    });
    const again = await leader.post(`/api/emergency/roster/shifts/${mine.id}/handover`, { note: '再交一次' });
    expect([again.status, again.json.error.code]).toEqual([409, 'handed_over']);
    // Someone else's shift, without a shift lead's role: 403.
    const officer = now.json.find((s: { role: string }) => s.role === 'officer');
    expect(
      (await supervisor.post(`/api/emergency/roster/shifts/${officer.id}/handover`, { note: 'x' })).status,
    ).toBe(403);
  });

  it('alerts the people on duty of the commanding unit in-app and by SMS when an incident opens and changes level', async () => {
    const sent = sms().sent.length;
    const grid = await ctx()
      .store.db.selectFrom('areas')
      .select('code')
      .where('level', '=', 'grid')
      .where('code', 'like', '120101001%')
      .executeTakeFirstOrThrow();
    const res = await shiftLead.post('/api/emergency/incidents', {
      title: '值班提醒测试',
      type: 'accident',
      subtype: 'gas',
      level: 4,
      areaCode: grid.code,
    });
    expect(res.status).toBe(201);
    const onDuty = (await leader.get(`/api/emergency/roster/on-duty?unitId=${centre}`)).json as {
      userId: string;
      phone: string;
    }[];
    const rows = await ctx()
      .store.db.selectFrom('notifications')
      .select(['user_id', 'kind', 'message'])
      .where('ref', 'like', `incident:${res.json.id}:%`)
      .execute();
    expect(
      rows
        .filter((r) => r.kind === 'duty_incident')
        .map((r) => r.user_id)
        .sort(),
    ).toEqual(onDuty.map((s) => s.userId).sort());
    expect(
      sms()
        .sent.slice(sent)
        .map((m) => m.to)
        .sort(),
    ).toEqual(onDuty.map((s) => s.phone).sort());
    expect(sms().sent.at(-1)?.text).toContain(res.json.number);
    // The level change is recorded and the people on duty hear of it, by SMS too.
    const up = await leader.post(`/api/emergency/incidents/${res.json.id}/level`, {
      level: 3,
      note: '燃气泄漏扩大',
    });
    expect(up.status).toBe(200);
    expect(up.json.events.map((e: { type: string }) => e.type)).toContain('escalated');
    const level = await ctx()
      .store.db.selectFrom('notifications')
      .select('user_id')
      .where('kind', '=', 'duty_level')
      .where('ref', 'like', `incident:${res.json.id}:%`)
      .execute();
    expect(level).toHaveLength(onDuty.length);
    expect(sms().sent.at(-1)?.text).toContain('燃气泄漏扩大');
    // The person on duty reads it in their inbox, in English too.
    const inbox = await leader.request('GET', '/api/notifications', undefined, { 'accept-language': 'en' });
    expect(JSON.stringify(inbox.json)).toContain('On duty: incident');
  });

  // ---------- alarms ----------

  let seq = 0;
  const device = async (id: string, building: string, highRise = false) => {
    const grid = await ctx()
      .store.db.selectFrom('areas')
      .select('code')
      .where('level', '=', 'grid')
      .where('code', 'like', '120101001%')
      .executeTakeFirstOrThrow();
    const res = await admin.post('/api/devices', {
      id,
      type: 'smoke_detector',
      name: `烟感${id}`,
      areaCode: grid.code,
      userId: await user('iot'),
      building,
      highRise,
    });
    expect(res.status, JSON.stringify(res.json)).toBe(201);
    return res.json.secret as string;
  };
  const send = async (deviceId: string, secret: string, messageId = `m-${++seq}`, type = 'smoke') => {
    const raw = JSON.stringify({
      messageId,
      type,
      time: new Date().toISOString(),
      value: 0.9,
      note: '烟雾浓度超标',
    });
    const ts = Math.floor(Date.now() / 1000);
    return ctx().server.app.inject({
      method: 'POST',
      url: '/api/devices/alarms',
      headers: {
        'content-type': 'application/json',
        'x-wangge-device': deviceId,
        'x-wangge-timestamp': String(ts),
        'x-wangge-signature': sign(secret, ts, raw),
      },
      payload: raw,
    });
  };

  it('keeps one smoke alarm as an alarm to check; a second in the building within 5 minutes opens an incident', async () => {
    const a = await device('T-SMK-A1', '测试里1号楼');
    const b = await device('T-SMK-A2', '测试里1号楼');
    const incidents = async () =>
      (await ctx().store.db.selectFrom('emergency_incidents').select('id').execute()).length;
    const before = await incidents();
    const one = await send('T-SMK-A1', a);
    expect([one.statusCode, one.json().outcome]).toEqual([200, 'to_check']);
    expect(await incidents()).toBe(before);
    // The command centre (the rule's unit) and its people on duty are told to check it.
    const notes = await ctx()
      .store.db.selectFrom('notifications')
      .select(['unit_id', 'user_id'])
      .where('kind', '=', 'alarm_check')
      .where('ref', 'like', `alarm:${one.json().alarmId}%`)
      .execute();
    expect(notes.some((n) => n.unit_id === centre && n.user_id === null)).toBe(true);
    expect(notes.filter((n) => n.user_id !== null).length).toBeGreaterThan(0);
    const listed = (await leader.get('/api/emergency/alarms?status=to_check')).json as { id: string }[];
    expect(listed.map((x) => x.id)).toContain(one.json().alarmId);

    const two = await send('T-SMK-A2', b);
    expect([two.statusCode, two.json().outcome]).toEqual([201, 'incident_opened']);
    expect(await incidents()).toBe(before + 1);
    const detail = await leader.get(`/api/emergency/incidents/${two.json().incidentId}`);
    expect(detail.json).toMatchObject({
      type: 'accident',
      subtype: 'fire',
      level: 4,
      status: 'open',
      chainOk: true,
    });
    // The first alarm now belongs to the incident too.
    const first = await ctx()
      .store.db.selectFrom('emergency_alarms')
      .select(['status', 'incident_id'])
      .where('id', '=', one.json().alarmId)
      .executeTakeFirstOrThrow();
    expect(first).toEqual({ status: 'incident', incident_id: two.json().incidentId });
    // A third alarm of the building joins the open incident, on its time line.
    const three = await send('T-SMK-A1', a);
    expect(three.json()).toMatchObject({ outcome: 'incident_joined', incidentId: two.json().incidentId });
    const after = await leader.get(`/api/emergency/incidents/${two.json().incidentId}`);
    expect(after.json.events.map((e: { type: string }) => e.type)).toEqual(['reported', 'alarm']);
    expect(after.json.chainOk).toBe(true);
  });

  it('does not count two alarms more than 5 minutes apart together', async () => {
    const a = await device('T-SMK-B1', '测试里2号楼');
    const one = await send('T-SMK-B1', a);
    expect(one.json().outcome).toBe('to_check');
    await ctx()
      .store.db.updateTable('emergency_alarms')
      .set({ received_at: new Date(Date.now() - 6 * 60_000) })
      .where('id', '=', one.json().alarmId)
      .execute();
    const two = await send('T-SMK-B1', a);
    expect(two.json().outcome).toBe('to_check');
  });

  it('opens an incident of level Ⅲ from a single high-rise alarm', async () => {
    const a = await device('T-SMK-H1', '测试大厦', true);
    const one = await send('T-SMK-H1', a);
    expect([one.statusCode, one.json().outcome]).toEqual([201, 'incident_opened']);
    const detail = await leader.get(`/api/emergency/incidents/${one.json().incidentId}`);
    expect(detail.json).toMatchObject({ level: 3, colour: 'yellow', subtype: 'fire' });
  });

  it('refuses a replayed or unsigned alarm, recording nothing', async () => {
    const a = await device('T-SMK-R1', '测试里3号楼');
    const count = async () =>
      (await ctx().store.db.selectFrom('emergency_alarms').select('id').execute()).length;
    const first = await send('T-SMK-R1', a, 'replay-1');
    expect(first.json().outcome).toBe('to_check');
    const before = await count();
    const replay = await send('T-SMK-R1', a, 'replay-1');
    expect([replay.statusCode, replay.json().error.code]).toEqual([409, 'replayed']);
    const unsigned = await send('T-SMK-R1', 'whsec_not-the-secret', 'replay-2');
    expect([unsigned.statusCode, unsigned.json().error.code]).toEqual([401, 'bad_signature']);
    expect(await count()).toBe(before);
  });

  it('checks an alarm on the spot: a false alarm closes it, a confirmed one opens an incident', async () => {
    const a = await device('T-SMK-C1', '测试里4号楼');
    const one = (await send('T-SMK-C1', a)).json();
    const two = (await send('T-SMK-C1', a, `m-${++seq}-later`)).json();
    // Both from one device within 5 minutes: the second opens the incident; use a fresh building instead.
    expect(two.outcome).toBe('incident_opened');
    const c = await device('T-SMK-C2', '测试里5号楼');
    const lone = (await send('T-SMK-C2', c)).json();
    const fa = await inspector.post(`/api/emergency/alarms/${lone.alarmId}/check`, {
      outcome: 'false_alarm',
      note: '厨房油烟，非火情',
    });
    expect([fa.status, fa.json.status]).toEqual([200, 'false_alarm']);
    expect(
      (
        await inspector.post(`/api/emergency/alarms/${lone.alarmId}/check`, {
          outcome: 'confirmed',
          note: 'x',
        })
      ).status,
    ).toBe(409);
    const d = await device('T-SMK-C3', '测试里6号楼');
    const other = (await send('T-SMK-C3', d)).json();
    const ok = await shiftLead.post(`/api/emergency/alarms/${other.alarmId}/check`, {
      outcome: 'confirmed',
      note: '三楼冒烟，确认起火',
    });
    expect([ok.status, ok.json.status]).toEqual([200, 'confirmed']);
    expect(ok.json.incidentId).toEqual(expect.any(String));
    expect(one.outcome).toBe('to_check');
  });

  it('lets a grid inspector in scope confirm an alarm from the field outbox; a resend with its key is the same answer', async () => {
    const a = await device('T-SMK-F1', '测试里7号楼');
    const lone = (await send('T-SMK-F1', a)).json();
    expect(lone.outcome).toBe('to_check');
    // The inspector sees it among the alarms to check of its area.
    const toCheck = (await inspector.get('/api/emergency/alarms?status=to_check')).json as { id: string }[];
    expect(toCheck.map((x) => x.id)).toContain(lone.alarmId);
    const incidents = async () =>
      (await ctx().store.db.selectFrom('emergency_incidents').select('id').execute()).length;
    const before = await incidents();
    const body = { outcome: 'confirmed', note: '现场核查：二楼冒烟' };
    const key = { 'idempotency-key': `field-check-${lone.alarmId}` };
    const url = `/api/emergency/alarms/${lone.alarmId}/check`;
    const first = await inspector.request('POST', url, body, key);
    expect([first.status, first.json.status]).toEqual([200, 'confirmed']);
    expect(first.json.incidentId).toEqual(expect.any(String));
    const incident = await inspector.get(`/api/emergency/incidents/${first.json.incidentId}`);
    expect(incident.json).toMatchObject({ type: 'accident', subtype: 'fire', chainOk: true });
    expect(await incidents()).toBe(before + 1);
    // The answer was lost: the outbox sends the same item again, and gets the first answer.
    const again = await inspector.request('POST', url, body, key);
    expect([again.status, again.json]).toEqual([200, first.json]);
    expect(await incidents()).toBe(before + 1);
    // The same key for another answer is refused, and a fresh key finds the alarm already checked.
    const other = await inspector.request('POST', url, { outcome: 'false_alarm', note: 'x' }, key);
    expect([other.status, other.json.error.code]).toEqual([400, 'idempotency_key_reused']);
    const fresh = await inspector.request('POST', url, body, { 'idempotency-key': 'another-key-123' });
    expect([fresh.status, fresh.json.error.code]).toEqual([409, 'alarm_checked']);
    expect(await incidents()).toBe(before + 1);
    const alarm = await ctx()
      .store.db.selectFrom('emergency_alarms')
      .select(['status', 'incident_id'])
      .where('id', '=', lone.alarmId)
      .executeTakeFirstOrThrow();
    expect(alarm).toEqual({ status: 'confirmed', incident_id: first.json.incidentId });
  });

  it('keeps alarm rules: bad subtypes and unknown units are refused; only leaders and admins see them', async () => {
    const rule = {
      name: '燃气报警',
      deviceType: 'gas_detector',
      alarmType: 'gas',
      groupBy: 'grid',
      threshold: 1,
      windowMinutes: 10,
      incidentType: 'accident',
      incidentSubtype: 'gas',
      level: 3,
    };
    const made = await admin.post('/api/emergency/alarm-rules', rule);
    expect(made.status).toBe(201);
    expect(
      (await admin.post('/api/emergency/alarm-rules', { ...rule, incidentSubtype: 'flood' })).status,
    ).toBe(400);
    expect((await admin.post('/api/emergency/alarm-rules', { ...rule, level: 5 })).status).toBe(400);
    expect(
      (
        await admin.post('/api/emergency/alarm-rules', {
          ...rule,
          unitId: '00000000-0000-4000-8000-000000000009',
        })
      ).status,
    ).toBe(400);
    expect((await inspector.get('/api/emergency/alarm-rules')).status).toBe(403);
    const off = await admin.post(`/api/emergency/alarm-rules/${made.json.id}/active`, { active: false });
    expect(off.json.active).toBe(false);
  });

  // ---------- migration of the old alarm cases ----------

  it('adopts the alarm cases of the old path as alarms linked to their cases, whose chains still verify', async () => {
    const db = ctx().store.db;
    // An alarm case as the old path filed it: a device case and the message that led to it.
    const iot = await user('iot');
    const p = await principal(iot);
    const grid = await db
      .selectFrom('areas')
      .select('code')
      .where('level', '=', 'grid')
      .where('code', 'like', '120101001%')
      .executeTakeFirstOrThrow();
    const made = await ctx().server.cases.intake.file(p, {
      categoryCode: 'incident.0101',
      title: '劝业场街道老旧小区烟感报警：smoke',
      description: '报警时间 2026-11-30T10:00:00+08:00',
      areaCode: grid.code,
      crs: 'wgs84',
      address: '劝业场街道老旧小区烟感',
      evidence: [],
      attributes: {},
      source: 'device',
    });
    await db
      .insertInto('device_messages')
      .values({ device_id: 'SMK-HP-0001', message_id: 'legacy-1', alarm_type: 'smoke', case_id: made.id })
      .execute();
    const data = fs
      .readFileSync(path.join(migrationsDir, '0024_emergency.sql'), 'utf8')
      .split('\n-- @data')[1]
      ?.replace(/^[^\n]*\n/, '') as string;
    await sql.raw(data).execute(db);
    await sql.raw(data).execute(db); // again: nothing twice
    const adopted = await db
      .selectFrom('emergency_alarms')
      .selectAll()
      .where('message_id', '=', 'legacy-1')
      .execute();
    expect(adopted).toHaveLength(1);
    expect(adopted[0]).toMatchObject({
      status: 'case',
      case_id: made.id,
      device_type: 'smoke_detector',
      building_key: '和平里小区3号楼',
      unit_id: centre,
    });
    expect((await ctx().server.cases.queries.verifyChains(made.id)).broken).toEqual([]);
    const listed = (await leader.get('/api/emergency/alarms?status=case')).json as { caseId: string }[];
    expect(listed.map((a) => a.caseId)).toContain(made.id);
    // The old rules table is gone; its rules live on as incident rules.
    const old = await sql`select to_regclass('alarm_rules') as t`.execute(db);
    expect((old.rows[0] as { t: unknown }).t).toBeNull();
  });

  // ---------- public notices ----------

  it('shows a published incident on the portal with nothing internal, and withdraws it', async () => {
    const grid = await ctx()
      .store.db.selectFrom('areas')
      .select('code')
      .where('level', '=', 'grid')
      .where('code', 'like', '120101001%')
      .executeTakeFirstOrThrow();
    const inc = await shiftLead.post('/api/emergency/incidents', {
      title: '和平路燃气管道破裂',
      type: 'accident',
      subtype: 'gas',
      level: 3,
      areaCode: grid.code,
      reporter: '张三 13812345678',
      description: '内部：现场指挥 王五',
    });
    const none = await ctx().anonymous.get('/api/public/emergency/notices');
    expect(none.json.map((n: { number: string }) => n.number)).not.toContain(inc.json.number);
    const pub = await shiftLead.post(`/api/emergency/incidents/${inc.json.id}/publish`, {
      notice: '和平路部分路段临时封闭，请绕行。',
    });
    expect(pub.status).toBe(200);
    expect(pub.json.events.at(-1).type).toBe('published');
    const notices = await ctx().anonymous.get('/api/public/emergency/notices');
    const mine = notices.json.find((n: { number: string }) => n.number === inc.json.number);
    expect(mine).toMatchObject({ notice: '和平路部分路段临时封闭，请绕行。', level: 3, status: 'open' });
    const text = JSON.stringify(notices.json);
    for (const secret of ['13812345678', '王五', inc.json.id, grid.code]) expect(text).not.toContain(secret);
    expect(
      (await inspector.post(`/api/emergency/incidents/${inc.json.id}/publish`, { notice: '试试' })).status,
    ).toBe(403);
    await shiftLead.post(`/api/emergency/incidents/${inc.json.id}/publish`, { notice: null });
    const gone = await ctx().anonymous.get('/api/public/emergency/notices');
    expect(gone.json.map((n: { number: string }) => n.number)).not.toContain(inc.json.number);
  });

  async function principal(userId: string) {
    const { principalOfUser } = await import('../org/org.service.js');
    const p = await principalOfUser(ctx().store.db, { id: userId }, '物联感知接入');
    if (!p) throw new Error('no iot user');
    return p;
  }
});
