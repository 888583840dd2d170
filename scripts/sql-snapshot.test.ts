/** The checked-in `<m>.store.sql` of every store matches what its store compiles today. */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findStores, formatSql, generateSnapshots, ROOT, snapshotPath } from './sql-snapshot.js';

describe('SQL snapshots of the stores', () => {
  it('finds the stores by name, whichever modules have them', () => {
    const stores = findStores().map((f) => path.relative(ROOT, f));
    expect(stores).toEqual(expect.arrayContaining(['src/modules/org/org.store.ts']));
    expect(stores.every((s) => /^src\/modules\/[^/]+\/[^/]+\.store\.ts$/.test(s))).toBe(true);
  });

  it('has an up-to-date snapshot for every store (run npm run sql:snapshot)', async () => {
    const expected = await generateSnapshots();
    const problems: string[] = [];
    for (const [file, text] of expected) {
      const rel = path.relative(ROOT, file);
      if (!fs.existsSync(file)) problems.push(`${rel} is missing`);
      else if (fs.readFileSync(file, 'utf8') !== text) problems.push(`${rel} is out of date`);
    }
    expect(problems, `run npm run sql:snapshot: ${problems.join('; ')}`).toEqual([]);
  });

  it('puts each top-level clause on its own line, not those inside parentheses or quotes', () => {
    expect(
      formatSql(
        `select "a" from "t" where "x" in (select "y" from "u" where z) and "s" = ' from ' order by "a"`,
      ),
    ).toBe(
      [
        'select "a"',
        '  from "t"',
        `  where "x" in (select "y" from "u" where z) and "s" = ' from '`,
        '  order by "a"',
      ].join('\n'),
    );
    expect(formatSql('delete from "t" where "id" = $1')).toBe('delete from "t"\n  where "id" = $1');
  });

  it('names the snapshot beside its store', () => {
    expect(snapshotPath('/x/src/modules/org/org.store.ts')).toBe('/x/src/modules/org/org.store.sql');
  });
});
