import { describe, expect, it } from 'vitest';
import {
  CONTENT_TYPES,
  DEFAULT_PAGE_SIZE,
  Open311Error,
  paging,
  toCreated,
  toUpdate,
  toXml,
  w3cDate,
  wantsExtensions,
} from './open311.js';

const refused = (f: () => unknown, status: number, about: RegExp) => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(Open311Error);
    expect((e as Open311Error).status).toBe(status);
    expect((e as Error).message).toMatch(about);
    return;
  }
  throw new Error('not refused');
};

describe('Open311 rules (pure)', () => {
  it('has exactly the two content types validators compare byte for byte', () => {
    expect(CONTENT_TYPES).toEqual({ json: 'application/json', xml: 'text/xml' });
  });

  it('pages by 50 by default, 1–200 per page, whole numbers only', () => {
    expect(paging({})).toEqual({ page: 1, pageSize: DEFAULT_PAGE_SIZE });
    expect(DEFAULT_PAGE_SIZE).toBe(50);
    expect(paging({ page: '3', page_size: '200' })).toEqual({ page: 3, pageSize: 200 });
    for (const bad of ['0', '201', '2.5', '-1', 'ten', '1e2'])
      refused(() => paging({ page_size: bad }), 400, /page_size/);
    refused(() => paging({ page: '0' }), 400, /page/);
  });

  it('reads W3C date-times with their zone, a bare date in Beijing time; refuses the rest', () => {
    expect(w3cDate('2026-03-10T09:30:00+08:00', 'x')?.toISOString()).toBe('2026-03-10T01:30:00.000Z');
    expect(w3cDate('2026-03-10T01:30:00Z', 'x')?.toISOString()).toBe('2026-03-10T01:30:00.000Z');
    expect(w3cDate('2026-03-10', 'x')?.toISOString()).toBe('2026-03-09T16:00:00.000Z');
    expect(w3cDate(undefined, 'x')).toBeUndefined();
    for (const bad of ['yesterday', '2026-13-45T00:00:00Z', '10/03/2026', '2026-03-10T09:30:00'])
      refused(() => w3cDate(bad, 'updated_after'), 400, /updated_after/);
  });

  it('takes extensions=true or false only', () => {
    expect(wantsExtensions(undefined)).toBe(false);
    expect(wantsExtensions('true')).toBe(true);
    expect(wantsExtensions('false')).toBe(false);
    refused(() => wantsExtensions('yes'), 400, /extensions/);
  });

  it('answers the id when created at once, only the token when deferred', () => {
    expect(toCreated({ number: '1', trackingCode: 'T', deferred: false }, undefined)).toEqual({
      service_request_id: '1',
      service_notice: null,
      account_id: null,
    });
    const deferred = toCreated({ number: '1', trackingCode: 'T', deferred: true }, 'acc');
    expect(deferred).not.toHaveProperty('service_request_id');
    expect(deferred).toMatchObject({ token: 'T', account_id: 'acc' });
  });

  it('writes updates and error arrays as the XML the clients expect, text escaped', () => {
    const u = toUpdate({
      id: '7',
      number: '1',
      state: 'closed',
      description: '<b>done</b>',
      at: new Date('2026-03-10T01:30:00Z'),
      mediaUrl: null,
    });
    expect(u).toMatchObject({ status: 'closed', updated_datetime: '2026-03-10T09:30:00+08:00' });
    const x = toXml('service_request_updates', [u]);
    expect(x.startsWith('<?xml version="1.0" encoding="utf-8"?>')).toBe(true);
    expect(x).toContain('<request_update>');
    expect(x).toContain('&lt;b&gt;done&lt;/b&gt;');
    expect(toXml('errors', [{ code: 400, description: 'x' }])).toContain('<error>');
  });
});
