import { beforeAll, describe, expect, it } from 'vitest';
import { type Client, describeApi, multipart } from '../../testing/api.js';
import { wholeCellCentre } from '../../testing/grid-cells.js';
import { flateStream, pdf } from '../../testing/pdf.js';

/** A multipart body whose boundary is not the one the header announces. */
const brokenMultipart = {
  payload: '--other\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\n\r\nxx\r\n--other',
  headers: { 'content-type': 'multipart/form-data; boundary=----wangge-edge' },
};

describeApi('the edge: text, query strings, paging, multipart, access before validation', (ctx) => {
  let inspector: Client;
  let shiftLead: Client;
  let supervisor: Client;
  let admin: Client;
  let grid: { code: string; lon: number; lat: number };

  beforeAll(async () => {
    inspector = await ctx().login('inspector');
    shiftLead = await ctx().login('shift_lead');
    supervisor = await ctx().login('supervisor');
    admin = await ctx().login('admin');
    grid = await wholeCellCentre(ctx().store.db, '120101001');
  });

  const report = (c: Client, patch: Record<string, unknown>) =>
    c.post('/api/cases', {
      categoryCode: 'event.0102',
      title: '路边暴露垃圾',
      description: '和平路口有一堆生活垃圾',
      lon: grid.lon,
      lat: grid.lat,
      ...patch,
    });

  describe('text is normalised once, before validation', () => {
    it('refuses a lone surrogate with invalid_text instead of storing U+FFFD (the chain stays whole)', async () => {
      const { id } = (await report(inspector, { title: '孤立代理项' })).json;
      // A raw JSON text: the escape \ud800 decodes to a lone surrogate.
      const sent = await shiftLead.request(
        'POST',
        `/api/cases/${id}/transitions`,
        '{"version":1,"type":"file","note":"立案 \\ud800"}',
        { 'content-type': 'application/json' },
      );
      expect(sent.status).toBe(400);
      expect(sent.json.error).toMatchObject({ code: 'invalid_text', details: { path: 'body.note' } });
      expect(sent.json.error.message).toMatch(/无效字符/);
      const en = await shiftLead.request(
        'POST',
        `/api/cases/${id}/transitions`,
        '{"version":1,"type":"file","note":"\\udc00"}',
        { 'content-type': 'application/json', 'accept-language': 'en' },
      );
      expect(en.json.error.message).toMatch(/not valid Unicode/);
      expect((await supervisor.get(`/api/cases/${id}/verify`)).json.broken).toEqual([]);
    });

    it('refuses a JSON body whose bytes are not UTF-8', async () => {
      const bytes = Buffer.concat([
        Buffer.from('{"username":"'),
        Buffer.from([0xed, 0xa0, 0x80]),
        Buffer.from('","password":"x"}'),
      ]);
      const res = await ctx().anonymous.request('POST', '/api/auth/login', bytes as unknown as string, {
        'content-type': 'application/json',
      });
      expect(res.status).toBe(400);
      expect(res.json.error.code).toBe('invalid_text');
    });

    it('stores, hashes and shows the canonical form: NFC, \\n line breaks, no NUL or other controls', async () => {
      const created = await report(inspector, {
        title: 'Cafe\u0301\u0000 路口',
        description: '第一行\r\n第二行\u0007\t完',
      });
      expect(created.status).toBe(201);
      const shown = (await inspector.get(`/api/cases/${created.json.id}`)).json;
      expect(shown.title).toBe('Caf\u00e9 路口');
      expect(shown.description).toBe('第一行\n第二行\t完');
      const filed = await shiftLead.post(`/api/cases/${created.json.id}/transitions`, {
        version: 1,
        type: 'file',
        note: 'e\u0301\u0000',
      });
      expect(filed.status).toBe(200);
      const events = (await inspector.get(`/api/cases/${created.json.id}`)).json.events;
      expect(events.at(-1).note).toBe('\u00e9');
      expect((await supervisor.get(`/api/cases/${created.json.id}/verify`)).json.broken).toEqual([]);
    });

    it('answers a NUL byte in a login name, a query or a path with no 500', async () => {
      const login = await ctx().anonymous.post('/api/auth/login', { username: 'adm\u0000in', password: 'x' });
      expect(login.status).toBe(401);
      expect((await inspector.get('/api/cases?q=%E5%9E%83%00%E5%9C%BE')).status).toBe(200);
      expect((await inspector.get('/api/areas/120101001%00')).status).toBe(200);
      const cookie = await ctx().anonymous.request('GET', '/api/auth/me', undefined, {
        cookie: 'wg_session=%00abc',
      });
      expect(cookie.status).toBe(401);
    });
  });

  describe('query strings and paging', () => {
    it('refuses a repeated query parameter with 400 (Open311 and the API)', async () => {
      const open311 = await ctx().anonymous.get('/open311/v2/requests.json?status=open&status=closed');
      expect(open311.status).toBe(400);
      // Open311 answers in the spec's error array, in the format the URL asks for.
      expect(open311.json).toEqual([
        { code: 400, description: 'The query parameter status is given more than once.' },
      ]);
      expect((await inspector.get('/api/cases?q=a&q=b')).json.error.code).toBe('repeated_parameter');
    });

    it.each([
      '/open311/v2/requests.json?page=Infinity',
      '/open311/v2/requests.json?page=100000000000000000000',
      '/open311/v2/requests.json?page=1e20',
      '/open311/v2/requests.json?page_size=1.5',
      '/open311/v2/requests.xml?page=-1',
      '/api/cases?offset=1e30',
      '/api/cases?limit=1.5',
      '/api/cases?pageSize=2.5',
    ])('refuses %s with 400 invalid_page', async (url) => {
      const res = await inspector.get(url);
      expect(res.status).toBe(400);
      if (url.startsWith('/open311/'))
        expect(String(res.body)).toMatch(/must be a whole number below 1000000000/);
      else expect(res.json.error.code).toBe('invalid_page');
    });

    it('still pages with whole numbers', async () => {
      expect((await ctx().anonymous.get('/open311/v2/requests.json?page=2&page_size=10')).status).toBe(200);
      expect((await inspector.get('/api/cases?limit=10&offset=0')).status).toBe(200);
    });
  });

  describe('multipart', () => {
    it('answers a broken boundary with 400 on every upload route', async () => {
      const routes: [Client, string, Record<string, string>][] = [
        [inspector, '/api/attachments', {}],
        [admin, '/api/categories/import', {}],
        [supervisor, '/api/targets/documents/upload', {}],
        [ctx().anonymous, '/api/public/uploads', { 'x-wangge-device': 'edge-test-device-0001' }],
      ];
      for (const [c, url, extra] of routes) {
        const res = await c.request('POST', url, brokenMultipart.payload, {
          ...brokenMultipart.headers,
          ...extra,
        });
        expect({ url, status: res.status, code: res.json?.error?.code }).toEqual({
          url,
          status: 400,
          code: 'invalid_multipart',
        });
      }
    });
  });

  describe('uploads', () => {
    it('refuses a PDF with JavaScript in a compressed object stream; a clean PDF is stored', async () => {
      const bad = pdf('<< /Type /Catalog >>', flateStream('3 0 << /S /JavaScript /JS (app.alert(1)) >>'));
      const m = multipart('report.pdf', bad, 'application/pdf');
      const res = await inspector.request('POST', '/api/attachments', m.payload, m.headers);
      expect(res.status).toBe(400);
      expect(res.json.error.code).toBe('pdf_active_content');
      expect(res.json.error.message).toMatch(/JavaScript/);
      const ok = multipart('report.pdf', pdf('<< /Type /Catalog >>'), 'application/pdf');
      expect((await inspector.request('POST', '/api/attachments', ok.payload, ok.headers)).status).toBe(201);
    });
  });

  describe('multipart text fields', () => {
    it('stores the canonical form of a field and of the file name', async () => {
      const boundary = '----wangge-edge-fields';
      const part = (head: string, body: string) =>
        `--${boundary}\r\nContent-Disposition: form-data; ${head}\r\n\r\n${body}\r\n`;
      const payload = Buffer.from(
        part('name="title"', 'Cafe\u0301\u0000 报告') +
          part('name="year"', '2025') +
          part(
            'name="file"; filename="x.txt"\r\nContent-Type: text/plain',
            '一、今年完成老旧小区改造12个。',
          ) +
          `--${boundary}--\r\n`,
      );
      const res = await supervisor.request(
        'POST',
        '/api/targets/documents/upload',
        payload as unknown as string,
        {
          'content-type': `multipart/form-data; boundary=${boundary}`,
        },
      );
      expect(res.status).toBe(201);
      expect(res.json.title).toBe('Caf\u00e9 报告');
    });
  });

  describe('areas of a district', () => {
    it.each(['admin', 'dispatcher', 'leader'])(
      'answers %s 200 for the district and its streets',
      async (who) => {
        const c = await ctx().login(who);
        const district = await c.get('/api/areas/120101');
        expect(district.status).toBe(200);
        expect(district.json).toMatchObject({ code: '120101', level: 'district', ancestors: [] });
        const children = await c.get('/api/areas/120101/children');
        expect(children.status).toBe(200);
        expect(children.json).toHaveLength(6);
      },
    );
  });

  describe('access is decided before the body is validated', () => {
    it('answers an anonymous call to a staff route 401, not a schema error', async () => {
      const res = await ctx().anonymous.post('/api/cases', { nonsense: true });
      expect(res.status).toBe(401);
      expect(res.json.error.code).toBe('unauthenticated');
      expect(JSON.stringify(res.json)).not.toMatch(/categoryCode/);
    });

    it('answers a wrong role 403 before any validation message', async () => {
      const res = await inspector.post('/api/categories', { nonsense: true });
      expect(res.status).toBe(403);
      expect(res.json.error.code).toBe('forbidden');
      const badQuery = await inspector.get('/api/audit?limit=abc');
      expect(badQuery.status).toBe(403);
    });
  });
});
