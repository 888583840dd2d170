import { expect, it } from 'vitest';
import { describeApi } from '../../testing/api.js';
import { sign } from './device-signature.js';

describeApi('device alarms: signed webhook, replay, de-duplication', (ctx) => {
  let secret = '';
  const DEVICE = 'SMK-TEST-0001';
  let seq = 0;

  const send = async (
    body: object | string,
    opts: { secret?: string; ts?: number; device?: string } = {},
  ) => {
    const raw = typeof body === 'string' ? body : JSON.stringify(body);
    const ts = opts.ts ?? Math.floor(Date.now() / 1000);
    return ctx().server.app.inject({
      method: 'POST',
      url: '/api/devices/alarms',
      headers: {
        'content-type': 'application/json',
        'x-wangge-device': opts.device ?? DEVICE,
        'x-wangge-timestamp': String(ts),
        'x-wangge-signature': sign(opts.secret ?? secret, ts, raw),
      },
      payload: raw,
    });
  };
  const alarm = (type = 'smoke') => ({
    messageId: `m-${++seq}`,
    type,
    time: new Date().toISOString(),
    value: 0.8,
    note: '烟雾浓度超标',
  });
  /** Alarms kept by the emergency module, and cases filed by devices (none since alarms go to emergency). */
  const count = async () =>
    (await ctx().store.db.selectFrom('emergency_alarms').select('id').execute()).length +
    (await ctx().store.db.selectFrom('cases').select('id').where('source', '=', 'device').execute()).length;

  it('registers a device and shows its secret once', async () => {
    const admin = await ctx().login('admin');
    const grid = await ctx()
      .store.db.selectFrom('areas')
      .select('code')
      .where('level', '=', 'grid')
      .where('code', 'like', '120101002%')
      .executeTakeFirstOrThrow();
    const iot = await ctx()
      .store.db.selectFrom('users')
      .select('id')
      .where('username', '=', 'iot')
      .executeTakeFirstOrThrow();
    const res = await admin.post('/api/devices', {
      id: DEVICE,
      type: 'smoke_detector',
      name: '测试烟感',
      areaCode: grid.code,
      userId: iot.id,
      building: '测试楼1号',
    });
    expect(res.status).toBe(201);
    secret = res.json.secret;
    expect(secret).toMatch(/^whsec_/);
    expect(JSON.stringify((await admin.get('/api/devices')).json)).not.toContain(secret);
    expect(
      (
        await admin.post('/api/devices', {
          id: DEVICE,
          type: 'smoke_detector',
          name: '重复',
          areaCode: grid.code,
          userId: iot.id,
        })
      ).status,
    ).toBe(400);
  });

  it('refuses unsigned, wrongly signed, stale and unknown-device messages, creating nothing', async () => {
    const before = await count();
    const unsigned = await ctx().server.app.inject({
      method: 'POST',
      url: '/api/devices/alarms',
      headers: { 'content-type': 'application/json', 'x-wangge-device': DEVICE },
      payload: JSON.stringify(alarm()),
    });
    expect(unsigned.statusCode).toBe(401);
    expect((await send(alarm(), { secret: 'whsec_wrong' })).statusCode).toBe(401);
    const stale = await send(alarm(), { ts: Math.floor(Date.now() / 1000) - 3600 });
    expect([stale.statusCode, stale.json().error.code]).toEqual([401, 'bad_signature']);
    expect((await send(alarm(), { device: 'NOPE-0001' })).statusCode).toBe(401);
    expect((await send('{"messageId": ')).statusCode).toBe(400);
    expect((await send({ messageId: 'x', type: 'SMOKE!', time: 'now' })).statusCode).toBe(400);
    expect(await count()).toBe(before);
  });

  it('hands an alarm to the emergency rules, refuses its replay, and files no case', async () => {
    const before = await count();
    const first = alarm();
    const res = await send(first);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ outcome: 'to_check', incidentId: null, number: null });
    const replay = await send(first);
    expect([replay.statusCode, replay.json().error.code]).toEqual([409, 'replayed']);
    expect(await count()).toBe(before + 1);
    const again = await send(alarm());
    expect([again.statusCode, again.json().outcome]).toEqual([201, 'incident_opened']);
    expect(again.json().number).toMatch(/^YJ\d{12}$/);
    const cases = await ctx()
      .store.db.selectFrom('cases')
      .select('id')
      .where('source', '=', 'device')
      .execute();
    expect(cases).toEqual([]);
  });

  it('logs an alarm no rule covers without opening a case', async () => {
    const res = await send(alarm('battery_low'));
    expect(res.json()).toMatchObject({ outcome: 'no_rule', incidentId: null, number: null });
    expect(await count()).toBe(3);
  });

  it('rotates a secret: the old one stops working at once, the new one signs', async () => {
    const admin = await ctx().login('admin');
    const old = secret;
    const res = await admin.post(`/api/devices/${DEVICE}/rotate`, {});
    expect(res.status).toBe(200);
    expect(res.json.secret).toMatch(/^whsec_/);
    expect(res.json.secret).not.toBe(old);
    expect((await send(alarm('battery_low'), { secret: old })).statusCode).toBe(401);
    secret = res.json.secret;
    expect((await send(alarm('battery_low'))).statusCode).toBe(200);
    expect((await admin.post('/api/devices/NOPE-0001/rotate', {})).status).toBe(404);
    expect((await (await ctx().login('dispatcher')).post(`/api/devices/${DEVICE}/rotate`, {})).status).toBe(
      403,
    );
  });

  it('gives the demo devices random secrets, not ones anyone could derive', async () => {
    const rows = await ctx().store.db.selectFrom('devices').select(['id', 'secret']).execute();
    const demo = rows.filter((r) => r.id.endsWith('-HP-0001'));
    expect(demo).toHaveLength(2);
    for (const d of demo) expect(d.secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
  });
});
