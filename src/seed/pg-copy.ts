/**
 * `COPY … FROM STDIN` over a plain `pg` client, without pg-copy-streams: a submittable query that answers
 * the server's CopyInResponse with the rows as CopyData messages (the protocol calls `pg` itself exposes:
 * `connection.sendCopyFromChunk`, `endCopyFrom`). Rows are written in COPY's text format (`copyLine`).
 * Used by the synthetic generator's bulk mode on a PostgreSQL server (PGlite takes multi-row INSERTs).
 */
import type pg from 'pg';

interface CopyConnection {
  query(text: string): void;
  sendCopyFromChunk(chunk: Buffer): void;
  endCopyFrom(): void;
}

/** One COPY FROM STDIN: `client.query(copy)`, then `await copy.done`. */
class CopyIn {
  readonly done: Promise<void>;
  private resolve: () => void = () => {};
  private reject: (e: Error) => void = () => {};
  private failed = false;

  constructor(
    readonly text: string,
    private readonly lines: readonly string[],
  ) {
    this.done = new Promise<void>((res, rej) => {
      this.resolve = res;
      this.reject = rej;
    });
  }

  submit(connection: CopyConnection): void {
    connection.query(this.text);
  }

  handleCopyInResponse(connection: CopyConnection): void {
    const CHUNK = 1 << 16;
    let buf = '';
    for (const line of this.lines) {
      buf += line;
      if (buf.length >= CHUNK) {
        connection.sendCopyFromChunk(Buffer.from(buf, 'utf8'));
        buf = '';
      }
    }
    if (buf) connection.sendCopyFromChunk(Buffer.from(buf, 'utf8'));
    connection.endCopyFrom();
  }

  handleCommandComplete(): void {}
  handleRowDescription(): void {}
  handleDataRow(): void {}
  handleEmptyQuery(): void {}

  handleError(e: Error): void {
    this.failed = true;
    this.reject(e);
  }

  handleReadyForQuery(): void {
    if (!this.failed) this.resolve();
  }
}

/** Copies the lines (each ending in a newline, from `copyLine`) into `table (columns)`. */
export async function copyFrom(
  client: pg.Client | pg.PoolClient,
  table: string,
  columns: readonly string[],
  lines: readonly string[],
): Promise<void> {
  if (!lines.length) return;
  const copy = new CopyIn(`copy ${table} (${columns.join(', ')}) from stdin`, lines);
  (client as unknown as { query(q: CopyIn): unknown }).query(copy);
  await copy.done;
}

const copyText = (s: string) =>
  s.replace(/[\\\n\r\t]/g, (c) => (c === '\\' ? '\\\\' : c === '\n' ? '\\n' : c === '\r' ? '\\r' : '\\t'));

/** One row in COPY's text format: tab-separated, `\N` for null, dates as ISO instants, arrays as literals. */
export function copyLine(values: readonly unknown[]): string {
  let out = '';
  for (const [i, v] of values.entries()) {
    if (i) out += '\t';
    if (v === null || v === undefined) out += '\\N';
    else if (v instanceof Date) out += v.toISOString();
    else if (Array.isArray(v))
      out += copyText(`{${v.map((x) => `"${String(x).replace(/["\\]/g, (c) => `\\${c}`)}"`).join(',')}}`);
    else if (typeof v === 'object') out += copyText(JSON.stringify(v));
    else out += copyText(String(v));
  }
  return `${out}\n`;
}
