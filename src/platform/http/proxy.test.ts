import { afterEach, describe, expect, it } from 'vitest';
import { type App, type AppOptions, createApp } from './app.js';

const nobody = { fromSession: async () => null, fromToken: async () => null };
let app: App | undefined;

async function build(opts: Partial<AppOptions> = {}): Promise<App> {
  app = await createApp({ authenticator: nobody, logLevel: 'silent', ...opts });
  app.get('/api/ip', { config: { access: 'public' } }, async (req) => ({ ip: req.ip }));
  await app.ready();
  return app;
}
afterEach(async () => {
  await app?.close();
  app = undefined;
});

const ipSeen = async (a: App, remoteAddress: string, forwardedFor?: string) =>
  (
    await a.inject({
      method: 'GET',
      url: '/api/ip',
      remoteAddress,
      headers: forwardedFor ? { 'x-forwarded-for': forwardedFor } : {},
    })
  ).json().ip;

describe('client address behind a reverse proxy', () => {
  it('ignores X-Forwarded-For by default: the peer is the client', async () => {
    const a = await build();
    expect(await ipSeen(a, '198.51.100.7', '203.0.113.9')).toBe('198.51.100.7');
  });

  it('believes a trusted proxy, and ignores a forged header from any other peer', async () => {
    const a = await build({ trustProxy: ['10.0.0.2', '172.16.0.0/12'] });
    expect(await ipSeen(a, '10.0.0.2', '203.0.113.9')).toBe('203.0.113.9');
    expect(await ipSeen(a, '172.20.1.1', '203.0.113.10')).toBe('203.0.113.10');
    expect(await ipSeen(a, '198.51.100.7', '203.0.113.9')).toBe('198.51.100.7');
    // A client cannot prepend a forged address: only the hop the proxy added is believed.
    expect(await ipSeen(a, '10.0.0.2', '1.2.3.4, 203.0.113.9')).toBe('203.0.113.9');
  });

  it('takes a hop count', async () => {
    const a = await build({ trustProxy: 1 });
    expect(await ipSeen(a, '10.9.9.9', '1.2.3.4, 203.0.113.9')).toBe('203.0.113.9');
  });
});

describe('Strict-Transport-Security', () => {
  it('is not sent unless the public address is https', async () => {
    const plain = await build();
    const res = await plain.inject({ method: 'GET', url: '/api/ip' });
    expect(res.headers['strict-transport-security']).toBeUndefined();
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  it('is sent when asked for', async () => {
    const secure = await build({ hsts: true });
    const res = await secure.inject({ method: 'GET', url: '/api/ip' });
    expect(res.headers['strict-transport-security']).toMatch(/max-age=\d+/);
  });
});
