import { sql } from 'kysely';
import { openDatabase } from '../src/platform/db/database.js';

const store = await openDatabase({ kind: 'pglite', dataDir: '/work/benchdata/pglite-200000' });
const q = process.argv[2] as string;
for (let i = 0; i < 2; i++) {
  const r = await sql.raw(`explain analyze ${q}`).execute(store.db);
  if (i === 1) for (const row of r.rows as { 'QUERY PLAN': string }[]) console.log(row['QUERY PLAN']);
}
await store.close();
