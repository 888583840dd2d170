/** Drift check: the web client's generated files must match what the server describes today. */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generateApiFiles, OPENAPI_FILE, SCHEMA_FILE } from './api-client.js';

describe('generated API client', () => {
  it('web/src/api/openapi.json and schema.d.ts match the server (else: run npm run api:generate)', async () => {
    const fresh = await generateApiFiles();
    const stale = (file: string, content: string) =>
      !fs.existsSync(file) || fs.readFileSync(file, 'utf8') !== content;
    const drifted = [
      stale(OPENAPI_FILE, fresh.openapi) && 'web/src/api/openapi.json',
      stale(SCHEMA_FILE, fresh.schema) && 'web/src/api/schema.d.ts',
    ].filter(Boolean);
    expect(drifted, `${drifted.join(' and ')} drifted from the server: run npm run api:generate`).toEqual([]);
  }, 180_000);
});
