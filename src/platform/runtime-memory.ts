/**
 * How a serving process keeps its resident memory small and steady (issue 18: under 250 MB after
 * `npm start`). Measured with `npm run bench:memory` and /proc/<pid>/smaps on a 2-core machine:
 *
 * - The embedded store (PGlite) is PostgreSQL compiled to a 9 MB WebAssembly module. V8 compiles it
 *   with its baseline compiler (Liftoff), then recompiles hot functions with TurboFan on background
 *   threads. The memory those compilations take from malloc stays with the process (glibc keeps the
 *   freed memory of its per-thread arenas): 35–95 MB, depending on how the compilations fell — most of
 *   the spread between 217 and 297 MB that was measured after start. On this server's work (Open311
 *   POST and GET at 32 connections, 100,000 cases, in-process, a quiet machine) TurboFan's code saved
 *   no intake time (POST 624/597 req/s with it, 635/576 without) and about 5–10% of a list read (GET
 *   257/299 vs 249/260), so a serving process keeps the baseline code: about 60 MB less, steady.
 * - V8's young generation grows to two 16 MB semi-spaces on a machine with this much memory, all of it
 *   resident once grown. `npm start` passes `--max-semi-space-size=8` (package.json), 16 MB less; that
 *   one can only be given on node's command line, so bench/memory.bench.ts starts the server with the
 *   flags it reads from the start script.
 *
 * The seeding child of a first start (cli/main.ts) keeps TurboFan: its bulk writes are the store's
 * heaviest work, and its memory leaves with it.
 */
import v8 from 'node:v8';

/**
 * Keeps WebAssembly at baseline code (Liftoff) from now on. Call it before the embedded store is opened:
 * it applies to modules compiled after it.
 */
export function keepWasmBaselineCode(): void {
  v8.setFlagsFromString('--liftoff-only');
}
