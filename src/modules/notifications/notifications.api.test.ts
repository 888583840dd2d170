import { expect, it } from 'vitest';
import { type Client, describeApi } from '../../testing/api.js';
import { notify } from './notifications.service.js';

describeApi('notifications API: languages, unread count, mark read, preferences', (ctx) => {
  let dispatcher: Client;
  let shiftLead: Client;
  let handler: Client;
  let unitId: string;

  const english = (c: Client, url: string) => c.request('GET', url, undefined, { 'accept-language': 'en' });
  const count = async (c: Client) => (await c.get('/api/notifications/unread-count')).json.count as number;

  it('renders a notification in the reader’s language from its kind and params', async () => {
    dispatcher = await ctx().login('dispatcher');
    shiftLead = await ctx().login('shift_lead');
    handler = await ctx().login('handler');
    unitId = (await dispatcher.get('/api/auth/me')).json.user.unitId;
    expect(await count(dispatcher)).toBe(0);
    await notify(ctx().store.db, [
      { unitId, kind: 'overdue', params: { number: 'AJ-1', title: '井盖缺失' } },
      {
        unitId,
        kind: 'progress_due',
        params: { title: '老旧小区改造', dueOn: '2026-05-05', period: '2026-04' },
      },
      { unitId, kind: 'legacy_kind', message: '旧通知原文' },
    ]);
    const zh = (await dispatcher.get('/api/notifications')).json as { kind: string; message: string }[];
    const en = (await english(dispatcher, '/api/notifications')).json as { kind: string; message: string }[];
    const text = (list: typeof zh, kind: string) => list.find((n) => n.kind === kind)?.message;
    expect(text(zh, 'overdue')).toBe('已超时：AJ-1 井盖缺失');
    expect(text(en, 'overdue')).toBe('Overdue: AJ-1 井盖缺失');
    expect(text(en, 'progress_due')).toBe('Please report progress by 2026-05-05: 老旧小区改造');
    expect(text(zh, 'legacy_kind')).toBe('旧通知原文');
    expect(text(en, 'legacy_kind')).toBe('旧通知原文');
  });

  it('counts unread notifications and marks one or all read, per unit', async () => {
    expect(await count(dispatcher)).toBe(3);
    expect(await count(shiftLead)).toBe(3);
    expect(await count(handler)).toBe(0);
    const [first] = (await dispatcher.get('/api/notifications')).json as { id: number }[];
    expect((await handler.post(`/api/notifications/${first?.id}/read`)).status).toBe(404);
    expect((await dispatcher.post(`/api/notifications/${first?.id}/read`)).status).toBe(204);
    expect(await count(dispatcher)).toBe(2);
    expect(await count(shiftLead)).toBe(2);
    expect((await handler.post('/api/notifications/read-all')).json).toEqual({ marked: 0 });
    expect(await count(dispatcher)).toBe(2);
    const all = await shiftLead.post('/api/notifications/read-all');
    expect(all.status).toBe(200);
    expect(all.json).toEqual({ marked: 2 });
    expect(await count(dispatcher)).toBe(0);
    const list = (await dispatcher.get('/api/notifications')).json as { read: boolean }[];
    expect(list.every((n) => n.read)).toBe(true);
  });

  it('keeps each user’s choice of kinds and honours it when listing, counting and marking', async () => {
    const prefs = await dispatcher.get('/api/notifications/preferences');
    expect(prefs.json.muted).toEqual([]);
    expect(prefs.json.kinds).toContain('overdue');
    const set = await dispatcher.request('PUT', '/api/notifications/preferences', {
      muted: ['overdue', 'warning'],
    });
    expect(set.status).toBe(200);
    expect(set.json.muted).toEqual(['warning', 'overdue']);
    expect((await dispatcher.get('/api/notifications/preferences')).json.muted).toEqual([
      'warning',
      'overdue',
    ]);
    expect((await shiftLead.get('/api/notifications/preferences')).json.muted).toEqual([]);
    const bad = await dispatcher.request('PUT', '/api/notifications/preferences', {
      muted: ['no_such_kind'],
    });
    expect(bad.status).toBe(400);
    expect((await dispatcher.get('/api/notifications/preferences')).json.muted).toEqual([
      'warning',
      'overdue',
    ]);

    await notify(ctx().store.db, [
      { unitId, kind: 'overdue', params: { number: 'AJ-2', title: '路灯不亮' } },
      { unitId, kind: 'escalated', params: { number: 'AJ-3', title: '占道经营' } },
    ]);
    expect(await count(dispatcher)).toBe(1);
    expect(await count(shiftLead)).toBe(2);
    const kinds = ((await dispatcher.get('/api/notifications')).json as { kind: string }[]).map(
      (n) => n.kind,
    );
    expect(kinds).not.toContain('overdue');
    expect(kinds).toContain('escalated');
    // Marking all read leaves the kinds the dispatcher muted unread for colleagues.
    expect((await dispatcher.post('/api/notifications/read-all')).json).toEqual({ marked: 1 });
    expect(await count(shiftLead)).toBe(1);
    await dispatcher.request('PUT', '/api/notifications/preferences', { muted: [] });
    expect(await count(dispatcher)).toBe(1);
  });
});
