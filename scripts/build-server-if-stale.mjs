// Compiles the server (src/**/*.ts, tests excepted) to plain JavaScript in dist/server before `npm start`
// when it is missing or older than its sources, so that production runs `node dist/server/cli/main.js`
// without a TypeScript loader in the process (less memory, faster start). One file per source file, the
// same folders, imports untouched: esbuild only strips the types (it comes with tsx, a dependency).
// Type errors are `npm run typecheck`'s job, not this one's.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const srcDir = path.join(root, 'src');
export const outDir = path.join(root, 'dist/server');
const stamp = path.join(outDir, '.built');

/** The sources to compile, and the newest change among them (a deleted file changes its folder's time). */
function sources(dir, acc = { files: [], newest: 0 }) {
  acc.newest = Math.max(acc.newest, fs.statSync(dir).mtimeMs);
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) sources(p, acc);
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') && !e.name.endsWith('.d.ts')) {
      acc.files.push(p);
      acc.newest = Math.max(acc.newest, fs.statSync(p).mtimeMs);
    }
  }
  return acc;
}

export async function buildServerIfStale({ quiet = false } = {}) {
  const { files, newest } = sources(srcDir);
  const inputs = Math.max(newest, fs.statSync(fileURLToPath(import.meta.url)).mtimeMs);
  const built = fs.existsSync(stamp) ? fs.statSync(stamp).mtimeMs : 0;
  if (built >= inputs) return false;
  if (!quiet) console.log('Compiling the server to dist/server (first start or sources changed)…');
  // esbuild is tsx's dependency; resolve it from there so a hoisting change cannot hide it.
  const esbuild = createRequire(createRequire(import.meta.url).resolve('tsx/package.json'))('esbuild');
  fs.rmSync(outDir, { recursive: true, force: true });
  await esbuild.build({
    entryPoints: files,
    outdir: outDir,
    outbase: srcDir,
    bundle: false,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    logLevel: 'warning',
  });
  fs.writeFileSync(stamp, `${new Date().toISOString()}\n`);
  return true;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await buildServerIfStale();
}
