#!/usr/bin/env node
// `npx wangge …`: compiles the server to dist/server when its sources changed (a fraction of a second with
// esbuild), then runs the compiled CLI in this same process — no TypeScript loader, no second process.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildServerIfStale, outDir } from '../scripts/build-server-if-stale.mjs';

await buildServerIfStale({ quiet: true });
await import(pathToFileURL(path.join(outDir, 'cli/main.js')).href);
