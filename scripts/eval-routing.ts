// Trains the routing model on labelled messages and scores it on others:
//   npm run eval:routing -- --train FILE [--train FILE …] --test FILE [--seed N] [--bits N] [--epochs N]
// Files are jsonl or jsonl.gz, one {subject, detail, label} or {text, label} per line, paths relative to the
// current directory. Prints per-label precision and recall; the last line reads
//   routing top1 X macro_f1 Y n N ms_per_message Z
// Without --test, --holdout F holds back a seeded share F of the LAST --train file's rows and scores on it
// (how the options were tuned without touching the real test set). Exit 2 on a missing file or a bad line.
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { gunzipSync } from 'node:zlib';
import {
  DEFAULT_OPTIONS,
  loadRouter,
  predictRoute,
  type RouterOptions,
  scoreRouter,
  seededRandom,
  type TrainingExample,
  trainRouter,
} from '../src/modules/cases/router/model.js';

class UsageError extends Error {}

export function readExamples(file: string): TrainingExample[] {
  if (!fs.existsSync(file)) throw new UsageError(`no such file: ${file}`);
  const bytes = fs.readFileSync(file);
  const text = (file.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8');
  const out: TrainingExample[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    let row: Record<string, unknown>;
    try {
      row = JSON.parse(line) as Record<string, unknown>;
    } catch {
      throw new UsageError(`${file}:${i + 1}: not JSON`);
    }
    const label = row.label;
    const body = typeof row.detail === 'string' ? row.detail : row.text;
    if (typeof label !== 'string' || label === '' || typeof body !== 'string') {
      throw new UsageError(`${file}:${i + 1}: needs a label and a text (or subject + detail)`);
    }
    out.push({ subject: typeof row.subject === 'string' ? row.subject : undefined, text: body, label });
  });
  return out;
}

function main(): void {
  const { values } = parseArgs({
    options: {
      train: { type: 'string', multiple: true },
      test: { type: 'string' },
      holdout: { type: 'string' },
      seed: { type: 'string' },
      bits: { type: 'string' },
      epochs: { type: 'string' },
      rate: { type: 'string' },
      l2: { type: 'string' },
      'max-n': { type: 'string' },
    },
  });
  const trainFiles = values.train ?? [];
  if (trainFiles.length === 0) throw new UsageError('give at least one --train FILE');
  if (!values.test && !values.holdout) throw new UsageError('give --test FILE (or --holdout SHARE to tune)');
  const num = (v: string | undefined, d: number): number => {
    if (v === undefined) return d;
    const n = Number(v);
    if (!Number.isFinite(n)) throw new UsageError(`not a number: ${v}`);
    return n;
  };
  const options: RouterOptions = {
    ...DEFAULT_OPTIONS,
    seed: num(values.seed, DEFAULT_OPTIONS.seed),
    bits: num(values.bits, DEFAULT_OPTIONS.bits),
    epochs: num(values.epochs, DEFAULT_OPTIONS.epochs),
    rate: num(values.rate, DEFAULT_OPTIONS.rate),
    l2: num(values.l2, DEFAULT_OPTIONS.l2),
    maxN: num(values['max-n'], DEFAULT_OPTIONS.maxN),
  };
  const sets = trainFiles.map((f) => readExamples(path.resolve(f)));
  let test: TrainingExample[];
  if (values.test) {
    test = readExamples(path.resolve(values.test));
  } else {
    const share = num(values.holdout, 0.3);
    const last = sets[sets.length - 1] ?? [];
    const random = seededRandom(options.seed + 7);
    const keyed = last.map((e) => ({ e, r: random() }));
    test = keyed.filter((k) => k.r < share).map((k) => k.e);
    sets[sets.length - 1] = keyed.filter((k) => k.r >= share).map((k) => k.e);
  }
  const train = sets.flat();
  const started = performance.now();
  const model = trainRouter(train, options);
  const trainMs = performance.now() - started;
  const router = loadRouter(model);
  const t0 = performance.now();
  for (const e of test) predictRoute(router, e, 3);
  const msPerMessage = test.length === 0 ? 0 : (performance.now() - t0) / test.length;
  const score = scoreRouter(router, test);
  console.log(
    `trained on ${train.length} messages in ${(trainMs / 1000).toFixed(1)} s; temperature ${model.temperature}`,
  );
  console.log(
    `model: ${model.ids.length} features, ${(JSON.stringify(model).length / 1e6).toFixed(1)} MB as JSON`,
  );
  console.log('label\tprecision\trecall\tf1\tsupport');
  for (const l of score.perLabel) {
    console.log(
      `${l.label}\t${l.precision.toFixed(3)}\t${l.recall.toFixed(3)}\t${l.f1.toFixed(3)}\t${l.support}`,
    );
  }
  console.log(`top3 ${score.top3.toFixed(4)} ece ${score.ece.toFixed(4)}`);
  console.log(
    `routing top1 ${score.top1.toFixed(4)} macro_f1 ${score.macroF1.toFixed(4)} n ${score.n} ms_per_message ${msPerMessage.toFixed(3)}`,
  );
}

try {
  main();
} catch (e) {
  if (e instanceof UsageError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
    console.error(`eval:routing: ${(e as Error).message}`);
    process.exit(2);
  }
  throw e;
}
