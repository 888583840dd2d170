// Scores the rule-based target extractor against labelled reports: `npm run eval:targets [-- --verbose]`.
// Options: --gold FILE.jsonl (default ../shared/eval/targets-dev.jsonl), --texts DIR (default ../shared/seeds),
// both relative to the repository root; --verbose lists false negatives and false positives.
// Only documents that have labels are scored. Exit 2 on a missing file, a malformed line or a missing text.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { type ExtractedItem, extractTargets } from '../src/modules/targets/extract.js';
import {
  combineScores,
  type LabelledItem,
  parseLabelledJsonl,
  type Score,
  scoreItems,
} from '../src/modules/targets/score.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

class UsageError extends Error {}

function options(): { gold: string; texts: string; verbose: boolean } {
  try {
    const { values } = parseArgs({
      options: {
        gold: { type: 'string', default: '../shared/eval/targets-dev.jsonl' },
        texts: { type: 'string', default: '../shared/seeds' },
        verbose: { type: 'boolean', default: false },
      },
    });
    return {
      gold: path.resolve(root, values.gold),
      texts: path.resolve(root, values.texts),
      verbose: values.verbose,
    };
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

function readLabels(file: string): LabelledItem[] {
  if (!fs.existsSync(file)) throw new UsageError(`gold file not found: ${file}`);
  try {
    return parseLabelledJsonl(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new UsageError(`${file}: ${(e as Error).message}`);
  }
}

/** The text of each labelled document, found in `dir` by the first three characters of its file name. */
function readTexts(dir: string, docs: string[]): Map<string, string> {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory())
    throw new UsageError(`texts directory not found: ${dir}`);
  // Any file whose name starts with the doc; a .txt file first when there are several.
  const files = fs
    .readdirSync(dir)
    .filter((f) => fs.statSync(path.join(dir, f)).isFile())
    .sort((a, b) => Number(b.endsWith('.txt')) - Number(a.endsWith('.txt')));
  const texts = new Map<string, string>();
  for (const doc of docs) {
    const file = files.find((f) => f.slice(0, 3) === doc);
    if (!file)
      throw new UsageError(`no text file for doc "${doc}" in ${dir} (expected a file named ${doc}…)`);
    texts.set(doc, fs.readFileSync(path.join(dir, file), 'utf8'));
  }
  return texts;
}

function figures(s: Pick<Score, 'precision' | 'recall' | 'f1'>): string {
  return `precision ${s.precision.toFixed(3)} recall ${s.recall.toFixed(3)} f1 ${s.f1.toFixed(3)}`;
}

function describe(item: {
  kind: string;
  value: number;
  value_max: number | null;
  unit: string | null;
}): string {
  const value = item.value_max === null ? `${item.value}` : `${item.value}–${item.value_max}`;
  return `${item.kind} ${value} ${item.unit ?? ''}`;
}

function printErrors(doc: string, gold: LabelledItem[], predicted: ExtractedItem[], score: Score): void {
  for (const g of score.missed) console.log(`  ${doc} FN ${describe(gold[g]!)} | ${gold[g]!.quote}`);
  for (const p of score.spurious) {
    const item = predicted[p]!;
    console.log(`  ${doc} FP ${describe(item)} | ${item.quote} @${item.start} [${item.rule}]`);
  }
}

function main(): void {
  const opts = options();
  const labels = readLabels(opts.gold);
  const docs = [...new Set(labels.map((l) => l.doc))].sort();
  const texts = readTexts(opts.texts, docs);
  const scores: Score[] = [];
  const lines: string[] = [];
  for (const doc of docs) {
    const text = texts.get(doc)!;
    const gold = labels.filter((l) => l.doc === doc);
    const predicted = extractTargets(text);
    const score = scoreItems(gold, predicted, text);
    if (opts.verbose) printErrors(doc, gold, predicted, score);
    scores.push(score);
    lines.push(
      `doc ${doc} labelled ${score.labelled} predicted ${score.predicted} matched ${score.matched} ${figures(score)}`,
    );
  }
  for (const line of lines) console.log(line);
  console.log(`overall ${figures(combineScores(scores))}`);
}

try {
  main();
} catch (e) {
  if (!(e instanceof UsageError)) throw e;
  console.error(`eval-targets: ${e.message}`);
  process.exit(2);
}
