import { describe, expect, it } from 'vitest';
import { loadConfig, parseTrustProxy } from './config.js';

describe('loadConfig: deployment behind a proxy', () => {
  it('trusts no proxy by default and sends neither Secure cookies nor HSTS over http', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ trustProxy: false, secureCookies: false, hsts: false });
    expect(loadConfig({ WANGGE_PUBLIC_URL: 'http://10.0.0.5:8080' })).toMatchObject({
      secureCookies: false,
      hsts: false,
    });
  });

  it('makes cookies Secure and sends HSTS when the public address is https; WANGGE_SECURE_COOKIES overrides', () => {
    const https = { WANGGE_PUBLIC_URL: 'https://wangge.example.gov.cn/' };
    expect(loadConfig(https)).toMatchObject({ secureCookies: true, hsts: true });
    expect(loadConfig({ ...https, WANGGE_SECURE_COOKIES: '0' })).toMatchObject({
      secureCookies: false,
      hsts: true,
    });
    expect(loadConfig({ WANGGE_SECURE_COOKIES: '1' })).toMatchObject({ secureCookies: true, hsts: false });
  });

  it('reads WANGGE_TRUST_PROXY as a hop count or a list of addresses and CIDRs', () => {
    expect(loadConfig({ WANGGE_TRUST_PROXY: '1' }).trustProxy).toBe(1);
    expect(loadConfig({ WANGGE_TRUST_PROXY: '10.0.0.2, 172.16.0.0/12,::1' }).trustProxy).toEqual([
      '10.0.0.2',
      '172.16.0.0/12',
      '::1',
    ]);
    expect(parseTrustProxy('loopback')).toEqual(['loopback']);
    expect(parseTrustProxy('')).toBe(false);
    expect(parseTrustProxy('0')).toBe(false);
  });

  it.each(['nginx', '10.0.0.300', '10.0.0.0/33', '10.0.0.0/8/1', '*'])(
    'refuses WANGGE_TRUST_PROXY=%s at start',
    (v) => {
      expect(() => loadConfig({ WANGGE_TRUST_PROXY: v })).toThrow(/WANGGE_TRUST_PROXY/);
    },
  );
});

describe('loadConfig: read replicas', () => {
  it('reads DATABASE_READ_URL as one standby or several, comma-separated; none by default', () => {
    expect(loadConfig({}).databaseReadUrls).toEqual([]);
    expect(
      loadConfig({ DATABASE_READ_URL: 'postgres://r1:5432/w, postgres://r2:5432/w' }).databaseReadUrls,
    ).toEqual(['postgres://r1:5432/w', 'postgres://r2:5432/w']);
    expect(loadConfig({ DATABASE_READ_MAX_STALENESS_S: '5' }).databaseReadMaxStalenessS).toBe(5);
  });

  it('refuses an entry that is not a URL, naming the setting', () => {
    expect(() => loadConfig({ DATABASE_READ_URL: 'postgres://r1/w,replica-two' })).toThrow(
      /DATABASE_READ_URL/,
    );
    expect(() => loadConfig({ DATABASE_READ_MAX_STALENESS_S: '-1' })).toThrow(
      /DATABASE_READ_MAX_STALENESS_S/,
    );
  });
});
