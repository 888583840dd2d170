// Scores the rule-based target extractor against labelled reports: `npm run eval:targets [-- --verbose]`.
// Two sets are scored, each document on its own line, then each set's total and, last, the overall:
// - dev: --gold FILE.jsonl (default ../shared/eval/targets-dev.jsonl) over --texts DIR (default
//   ../shared/seeds), and --dev-extra FILE (default eval/targets/dev.jsonl) over --local-texts DIR
//   (default eval/targets/texts);
// - heldout: --heldout FILE (default eval/targets/heldout.jsonl) over --local-texts DIR, passages kept
//   out of tuning (eval/targets/README.md).
// --set dev|heldout|all (default all) limits what is scored; paths are relative to the repository root;
// --verbose lists false negatives and false positives. Only documents that have labels are scored.
// Exit 2 on a missing file, a malformed line, a missing text or an unknown set.
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

const SETS = ['dev', 'heldout'] as const;
type SetName = (typeof SETS)[number];

/** One labels file and the directory its documents' texts are in. */
interface Source {
  gold: string;
  texts: string;
}

function options(): { sets: Array<[SetName, Source[]]>; verbose: boolean } {
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({
      options: {
        gold: { type: 'string', default: '../shared/eval/targets-dev.jsonl' },
        texts: { type: 'string', default: '../shared/seeds' },
        'dev-extra': { type: 'string', default: 'eval/targets/dev.jsonl' },
        heldout: { type: 'string', default: 'eval/targets/heldout.jsonl' },
        'local-texts': { type: 'string', default: 'eval/targets/texts' },
        set: { type: 'string', default: 'all' },
        verbose: { type: 'boolean', default: false },
      },
    }).values;
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const at = (key: string) => path.resolve(root, String(values[key]));
  const local = at('local-texts');
  const all: Array<[SetName, Source[]]> = [
    [
      'dev',
      [
        { gold: at('gold'), texts: at('texts') },
        { gold: at('dev-extra'), texts: local },
      ],
    ],
    ['heldout', [{ gold: at('heldout'), texts: local }]],
  ];
  const set = String(values.set);
  if (set !== 'all' && !SETS.includes(set as SetName))
    throw new UsageError(`unknown --set "${set}" (expected dev, heldout or all)`);
  return { sets: all.filter(([name]) => set === 'all' || name === set), verbose: values.verbose === true };
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

/** Scores every labelled document of a source, printing one line each. */
function scoreSource(set: SetName, source: Source, verbose: boolean): Score[] {
  const labels = readLabels(source.gold);
  const docs = [...new Set(labels.map((l) => l.doc))].sort();
  const texts = readTexts(source.texts, docs);
  return docs.map((doc) => {
    const text = texts.get(doc)!;
    const gold = labels.filter((l) => l.doc === doc);
    const predicted = extractTargets(text);
    const score = scoreItems(gold, predicted, text);
    if (verbose) printErrors(doc, gold, predicted, score);
    console.log(
      `${set} doc ${doc} labelled ${score.labelled} predicted ${score.predicted} matched ${score.matched} ${figures(score)}`,
    );
    return score;
  });
}

function main(): void {
  const opts = options();
  const scores: Score[] = [];
  for (const [set, sources] of opts.sets) {
    const own = sources.flatMap((source) => scoreSource(set, source, opts.verbose));
    console.log(`${set} overall ${figures(combineScores(own))}`);
    scores.push(...own);
  }
  console.log(`overall ${figures(combineScores(scores))}`);
}

try {
  main();
} catch (e) {
  if (!(e instanceof UsageError)) throw e;
  console.error(`eval-targets: ${e.message}`);
  process.exit(2);
}
