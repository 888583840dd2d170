/**
 * What every module's store shares. A store (`<module>.store.ts`) is the only file that reads or writes
 * its module's tables; it is a class bound to a `Db` — the database or an open transaction — so a
 * service writes several stores' rows in one transaction by binding each to the same `trx`.
 */
import type { Kysely, Transaction } from 'kysely';
import type { DB } from './schema.js';

export type Db = Kysely<DB> | Transaction<DB>;

/**
 * One example argument list for every query method of a store. The SQL snapshot generator calls each
 * method with its example on a database that compiles but runs nothing, and writes the SQL it saw into
 * the module's checked-in `<module>.store.sql`, so that a reviewer sees query changes in a diff. The
 * type makes the example list complete: a new method without an example does not compile.
 */
export type SqlExamples<S> = {
  [K in keyof S as S[K] extends (...args: never[]) => unknown ? K : never]: S[K] extends (
    ...args: infer A
  ) => unknown
    ? A
    : never;
};
