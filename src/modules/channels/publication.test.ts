import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  maskPersonalData,
  type PublishableCase,
  publicationOf,
  publicPoint,
  publicView,
} from './publication.js';

const digit = fc.constantFrom(...'0123456789');
const digits = (n: number) => fc.array(digit, { minLength: n, maxLength: n }).map((d) => d.join(''));
const mobile = fc
  .tuple(fc.constantFrom(...'3456789'), digits(9))
  .map(([second, rest]) => `1${second}${rest}`);
const residentId = fc
  .tuple(digits(17), fc.constantFrom(...'0123456789X'))
  .map(([body, last]) => `${body}${last}`);
const email = fc.emailAddress();
/** Free text around the data: anything, Chinese, digits and punctuation included. */
const around = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.constantFrom('', '联系电话', '我的手机：', '身份证', 'tel:', '+86 ', '楼下', '1', '0', '022-', ' '),
);

describe('maskPersonalData', () => {
  it('masks the usual forms', () => {
    expect(maskPersonalData('请联系13812345678王先生')).toBe('请联系138****5678王先生');
    expect(maskPersonalData('手机 138 1234 5678')).toBe('手机 138 **** 5678');
    expect(maskPersonalData('+86 13812345678')).toBe('+86 138****5678');
    expect(maskPersonalData('座机022-23456789')).toBe('座机022-****6789');
    expect(maskPersonalData('(010)12345678')).toBe('(010)****5678');
    expect(maskPersonalData('电话：2345678')).toBe('电话：***5678');
    expect(maskPersonalData('身份证12010119900307123X')).toBe('身份证1****************X');
    expect(maskPersonalData('邮箱 zhang.san@example.com 谢谢')).toBe('邮箱 z***@example.com 谢谢');
    expect(maskPersonalData('全角１３８１２３４５６７８')).toBe('全角１３８****５６７８');
  });

  it('leaves ordinary text alone: addresses, counts, dates, short numbers', () => {
    for (const s of [
      '和平路12号楼3单元',
      '井盖缺失 2 处，已持续 3 天',
      '2026-03-10 09:30',
      '<b>x</b> & "y"',
      '',
    ])
      expect(maskPersonalData(s)).toBe(s);
  });

  it('never lets a mobile number through, whatever surrounds it', () => {
    fc.assert(
      fc.property(around, mobile, around, (a, m, b) => {
        expect(maskPersonalData(`${a}${m}${b}`)).not.toContain(m);
      }),
      { numRuns: 500, seed: 16 },
    );
  });

  it('never lets a resident ID number through', () => {
    fc.assert(
      fc.property(around, residentId, around, (a, id, b) => {
        expect(maskPersonalData(`${a}${id}${b}`)).not.toContain(id);
      }),
      { numRuns: 500, seed: 16 },
    );
  });

  it('never lets an email address through', () => {
    fc.assert(
      fc.property(around, email, around, (a, e, b) => {
        expect(maskPersonalData(`${a} ${e} ${b}`)).not.toContain(e);
      }),
      { numRuns: 300, seed: 16 },
    );
  });

  it('leaves no run of 11 digits and is idempotent', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 60 }),
        fc.array(fc.oneof(mobile, residentId, digits(8)), { maxLength: 3 }),
        (s, nums) => {
          const text = [s, ...nums].join('');
          const once = maskPersonalData(text);
          expect(once).not.toMatch(/[0-9]{11}/);
          expect(maskPersonalData(once)).toBe(once);
        },
      ),
      { numRuns: 500, seed: 16 },
    );
  });

  it('changes nothing in text with no digit and no @', () => {
    fc.assert(
      fc.property(
        fc.string().filter((s) => !/[0-9０-９@]/.test(s)),
        (s) => {
          expect(maskPersonalData(s)).toBe(s);
        },
      ),
      { numRuns: 300, seed: 16 },
    );
  });
});

describe('publicationOf', () => {
  const base = { kind: 'event', source: 'portal', publication: 'text' as const, publishHotline: false };
  it("follows the category's level", () => {
    expect(publicationOf(base)).toBe('text');
    expect(publicationOf({ ...base, publication: 'status' })).toBe('status');
    expect(publicationOf({ ...base, publication: 'none' })).toBe('none');
  });
  it('withholds hotline calls unless the category opts in', () => {
    expect(publicationOf({ ...base, source: 'hotline' })).toBe('none');
    expect(publicationOf({ ...base, source: 'hotline', publishHotline: true })).toBe('text');
    expect(publicationOf({ ...base, source: 'hotline', publishHotline: true, publication: 'none' })).toBe(
      'none',
    );
  });
  it('never publishes petitions or other non-public kinds', () => {
    for (const kind of ['petition', 'proposal', 'dispute', 'hazard', 'incident'])
      expect(publicationOf({ ...base, kind, publishHotline: true })).toBe('none');
  });
});

describe('publicPoint', () => {
  const p = { lon: 117.123456, lat: 39.087654 };
  it('exact keeps the point', () => expect(publicPoint(p, 'exact', { lon: 1, lat: 2 })).toEqual(p));
  it("grid snaps to the grid's centre", () =>
    expect(publicPoint(p, 'grid', { lon: 117.1200001, lat: 39.0899999 })).toEqual({
      lon: 117.12,
      lat: 39.09,
    }));
  it('without a grid centre rounds to 0.01°', () =>
    expect(publicPoint(p, 'grid', null)).toEqual({ lon: 117.12, lat: 39.09 }));
  it('no point stays none', () => expect(publicPoint(null, 'grid', { lon: 1, lat: 2 })).toBeNull());
});

describe('publicView', () => {
  const c: PublishableCase = {
    kind: 'event',
    source: 'open311',
    publication: 'text',
    publishHotline: false,
    description: '门口井盖丢了，电话13812345678',
    title: '井盖',
    address: '和平路1号 13900001111',
    mediaUrl: 'https://example.com/a.jpg',
    lon: 117.2,
    lat: 39.1,
    pointPrecision: 'exact',
    publicReply: '已修复，如有问题请拨13912345678',
  };
  it('text: description, address and media, masked', () => {
    expect(publicView(c, null)).toEqual({
      level: 'text',
      description: '门口井盖丢了，电话138****5678',
      address: '和平路1号 139****1111',
      mediaUrl: 'https://example.com/a.jpg',
      lon: 117.2,
      lat: 39.1,
      publicReply: '已修复，如有问题请拨139****5678',
    });
  });
  it('status: no description, address or media; the public reply stays (masked)', () => {
    const v = publicView(
      { ...c, publication: 'status', pointPrecision: 'grid' },
      { lon: 117.21, lat: 39.11 },
    );
    expect(v).toMatchObject({
      level: 'status',
      description: null,
      address: null,
      mediaUrl: null,
      lon: 117.21,
      lat: 39.11,
    });
    expect(v?.publicReply).toBe('已修复，如有问题请拨139****5678');
  });
  it('none: nothing', () => expect(publicView({ ...c, publication: 'none' }, null)).toBeNull());
});
