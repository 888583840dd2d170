/**
 * Probes for a load balancer or an orchestrator. `/healthz`: the process answers (restart it if not).
 * `/readyz`: it can serve, i.e. its database answers within a second (take it out of rotation if not;
 * it comes back by itself when the database does, without a restart).
 */
import { type Kysely, sql } from 'kysely';
import type { DB } from '../db/schema.js';
import type { App } from './app.js';

const READY_TIMEOUT_MS = 1000;

/** What /readyz reports of the read replicas (their state does not decide readiness: reads fall back). */
export interface ReplicaReport {
  status(): { url: string; stalenessS: number | null; problem: string | null }[];
}

export function registerHealthRoutes(
  app: App,
  db: Kysely<DB>,
  storeKind: string,
  replicas?: ReplicaReport,
): void {
  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { schema: { hide: true } }, async (_req, reply) => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('timeout')), READY_TIMEOUT_MS);
    });
    try {
      await Promise.race([sql`select 1`.execute(db), timeout]);
      return {
        status: 'ready',
        store: storeKind,
        ...(replicas && {
          replicas: replicas
            .status()
            .map((r) => ({ url: r.url, stalenessS: r.stalenessS, problem: r.problem })),
        }),
      };
    } catch {
      return reply.status(503).header('retry-after', '5').send({ status: 'unavailable', store: storeKind });
    } finally {
      clearTimeout(timer);
    }
  });
}
