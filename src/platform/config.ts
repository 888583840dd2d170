/** Settings from the environment, validated once at start, with defaults that make `npm start` work. */
import fs from 'node:fs';
import { isIP } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

/**
 * The checkout's root (migrations/, data/, dist/web live there): the nearest folder above this file with a
 * package.json, so that it is the same whether this runs from src/ (tsx, tests) or compiled in dist/server/.
 */
export const projectRoot = findRoot(path.dirname(fileURLToPath(import.meta.url)));

function findRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) return path.resolve(from, '../..');
  }
}

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().default('0.0.0.0'),
  /** Data folder: the embedded store and uploaded files live here. */
  WANGGE_DATA: z.string().default(path.join(projectRoot, '.data')),
  /** When set, use this PostgreSQL server instead of the embedded store. */
  DATABASE_URL: z.string().url().optional(),
  /** Streaming standbys for reads that tolerate staleness: one URL or several, comma-separated. */
  DATABASE_READ_URL: z
    .string()
    .optional()
    .refine(
      (v) => !v || v.split(',').every((u) => URL.canParse(u.trim())),
      'every comma-separated entry must be a postgres:// URL',
    ),
  /** The most staleness any route may accept from a standby, in seconds (lowers every route's own). */
  DATABASE_READ_MAX_STALENESS_S: z.coerce.number().positive().optional(),
  /** Optional raster tile URL template for the map, e.g. a 天地图 or OSM server. */
  WANGGE_TILE_URL: z.string().optional(),
  WANGGE_TILE_ATTRIBUTION: z.string().optional(),
  /** Mark session cookies `Secure`; by default they are when WANGGE_PUBLIC_URL is https. */
  WANGGE_SECURE_COOKIES: z.enum(['0', '1']).optional(),
  /**
   * Reverse proxies whose X-Forwarded-For is believed, so that the client address (login and portal
   * limits) is the real one: empty (default, no proxy), a hop count, or a comma list of addresses/CIDRs.
   */
  WANGGE_TRUST_PROXY: z.string().default(''),
  /** Largest accepted upload (photos, PDFs, workbooks), in MB. */
  WANGGE_MAX_UPLOAD_MB: z.coerce.number().positive().max(200).default(10),
  /** The address the public reaches this server at (for Open311 discovery), e.g. https://wangge.example.gov.cn */
  WANGGE_PUBLIC_URL: z.string().url().optional(),
  /** Which Open311 endpoint this server is (discovery lists it); API keys work only on their own. */
  WANGGE_OPEN311_ENDPOINT: z.enum(['production', 'test']).default('production'),
  /** Where uploads live; a directory every server process shares (e.g. an NFS mount). Default WANGGE_DATA/files. */
  WANGGE_FILES: z.string().optional(),
  /**
   * The embedded store's page cache (PostgreSQL shared_buffers), in MB: small by default, as it stays
   * resident once filled; the operating system caches the data files besides (see platform/db/database.ts).
   */
  WANGGE_PGLITE_CACHE_MB: z.coerce.number().int().min(1).max(4096).optional(),
  WANGGE_LOG: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'silent']).default('info'),
});

export type Config = {
  port: number;
  host: string;
  dataDir: string;
  /** The uploads' directory (shared by every process of an installation). */
  filesDir: string;
  databaseUrl: string | undefined;
  /** DATABASE_READ_URL split: the standbys (empty: every read on the primary). */
  databaseReadUrls: string[];
  databaseReadMaxStalenessS: number | undefined;
  /** WANGGE_PGLITE_CACHE_MB (undefined: PGLITE_SHARED_BUFFERS_MB). */
  pgliteCacheMb: number | undefined;
  tileUrl: string | null;
  tileAttribution: string | null;
  secureCookies: boolean;
  /** Fastify's trustProxy: false, a hop count, or addresses/CIDRs. */
  trustProxy: false | number | string[];
  /** Send Strict-Transport-Security: only when the public address is https. */
  hsts: boolean;
  logLevel: string;
  maxUploadBytes: number;
  publicUrl: string | null;
  open311Endpoint: 'production' | 'test';
};

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid settings in the environment:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const publicUrl = e.WANGGE_PUBLIC_URL?.replace(/\/$/, '') ?? null;
  const https = publicUrl?.startsWith('https://') ?? false;
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir: path.resolve(e.WANGGE_DATA),
    filesDir: path.resolve(e.WANGGE_FILES ?? path.join(e.WANGGE_DATA, 'files')),
    databaseUrl: e.DATABASE_URL,
    databaseReadUrls: (e.DATABASE_READ_URL ?? '')
      .split(',')
      .map((u) => u.trim())
      .filter(Boolean),
    databaseReadMaxStalenessS: e.DATABASE_READ_MAX_STALENESS_S,
    pgliteCacheMb: e.WANGGE_PGLITE_CACHE_MB,
    tileUrl: e.WANGGE_TILE_URL || null,
    tileAttribution: e.WANGGE_TILE_ATTRIBUTION || null,
    secureCookies: e.WANGGE_SECURE_COOKIES === undefined ? https : e.WANGGE_SECURE_COOKIES === '1',
    trustProxy: parseTrustProxy(e.WANGGE_TRUST_PROXY),
    hsts: https,
    logLevel: e.WANGGE_LOG,
    maxUploadBytes: Math.round(e.WANGGE_MAX_UPLOAD_MB * 1024 * 1024),
    publicUrl,
    open311Endpoint: e.WANGGE_OPEN311_ENDPOINT,
  };
}

/** proxy-addr's names for address ranges, accepted beside addresses and CIDRs. */
const RANGE_NAMES = ['loopback', 'linklocal', 'uniquelocal'];

/** WANGGE_TRUST_PROXY: '' → false; '1' → one hop; '10.0.0.1, 10.1.0.0/16' → those peers. */
export function parseTrustProxy(value: string): false | number | string[] {
  const v = value.trim();
  if (v === '' || v === '0' || v === 'false') return false;
  if (/^\d+$/.test(v)) return Number(v);
  const entries = v.split(',').map((s) => s.trim());
  for (const entry of entries) {
    const [address = '', bits, ...rest] = entry.split('/');
    const family = isIP(address);
    const bitsOk = bits === undefined || (/^\d+$/.test(bits) && Number(bits) <= (family === 6 ? 128 : 32));
    if (!RANGE_NAMES.includes(entry) && (family === 0 || rest.length > 0 || !bitsOk)) {
      throw new Error(
        `Invalid settings in the environment:\n  WANGGE_TRUST_PROXY: ${JSON.stringify(entry)} is not an address, a CIDR, a hop count or one of ${RANGE_NAMES.join(', ')}`,
      );
    }
  }
  return entries;
}
