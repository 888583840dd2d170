/** Rule-based extraction of quantified targets and results (目标任务 / 工作成效) from district work reports. */
import {
  BASELINE,
  type Measure,
  measureOf,
  type Span,
  verbEndsAt,
  verbStartsAt,
  verbsIn,
} from './measure.js';
import { type Quantity, quantitiesIn, quotedSpans } from './quantity.js';
import { clauseKinds, type Line, linesWithSections, periodsIn, type TargetKind } from './sections.js';

export type { TargetKind };

export interface ExtractedItem {
  kind: TargetKind;
  /** What is measured, in the text's own words (地区生产总值, 空置楼宇). */
  indicator: string;
  /** The relation word as written (年均增长, 控制在, 分别达到), or null when there is none. */
  measure: string | null;
  value: number;
  /** Upper end of a range ("5至8家" → 8), else null. */
  value_max: number | null;
  /** As written after the number, with its multiplier (万人, 亿元); '' for a bare count. */
  unit: string;
  /** 2017, 2018年末, 十三五, 年均, 五年 — from the sentence, else the section heading. */
  period: string | null;
  /** text.slice(start, end): the indicator, the relation word and the number with its unit. */
  quote: string;
  start: number;
  end: number;
  /** The sentence the item stands in, as written (explainability: where it was read). */
  sentence: string;
  /**
   * The rules that produced the item, e.g. `kind:section-plan indicator:before-number measure:verb
   * unit:listed`: how its kind was decided (section, a clause's own time, or the sentence's tense),
   * where its indicator was found, whether a relation word stood next to the number and how its unit
   * was read (a listed word, or by the grammar of a unit: own-word, qualified, shared).
   */
  rule: string;
}

const PLAN_PERIOD = '“?十[一二三四五六七八九]五”?';

/** Scope and stance words around an indicator that are not part of it. */
const LEADING_FILLER = new RegExp(
  `^(?:[、的]|全年|全区|全市|今年|去年|上年|力争|确保|预计|其中|共有|拥有|共|累计|实现|进一步|积极|努力|全力|着力|即|到|对|与|为|` +
    `[12][0-9]{3}年(?:末|底|初)?|${PLAN_PERIOD}(?:时期|期间|末)?)+`,
);
const TRAILING_FILLER = new RegExp(
  `(?:[、的等及和与]|各|均|分别|共|累计|预计|预期|同比|${BASELINE}|` +
    `(?<!自)由(?:${PLAN_PERIOD}末|[12][0-9]{3}年(?:末|底)?)?(?:每\\p{Script=Han}{1,3})?)+$`,
  'u',
);

/** Where a noun after a quantity stops: adverbs that start the predicate ("693个自然小区全部实行…"). */
const PREDICATE_START = /^(?:全部|全面|均|都|已|正式|率先|成功|分别|共|累计)/;
const NOUN_CHAR = /\p{Script=Han}|[、()（）“”]/u;
const LIST_JOINER = /[、和及与]/;
const ENDS_WITH_JOINER = /[、和及与等]$/;

const RATE_UNIT = /^(?:%|％|‰|个百分点|百分点|倍)$/;

const CLAUSE_BREAK = /[，,；;：:。！!？?\r\n]/;
const SENTENCE_BREAK = /[。！!？?]/;

interface Sentence extends Span {
  line: Line;
}

/** What the previous quantity of the same sentence left behind for list continuations. */
interface Previous {
  q: Quantity;
  clause: Span;
  measure: Measure | null;
  indicator: Span;
  /** Where the indicator was found (before-number, after-number, listed, subject, earlier, continued). */
  how: string;
}

function isEmpty(span: Span): boolean {
  return span.end <= span.start;
}

function trimmed(text: string, span: Span): Span {
  const slice = text.slice(span.start, span.end);
  const lead = LEADING_FILLER.exec(slice)?.[0].length ?? 0;
  const trail = TRAILING_FILLER.exec(slice.slice(lead))?.[0].length ?? 0;
  return { start: span.start + lead, end: Math.max(span.start + lead, span.end - trail) };
}

function clauseAround(text: string, sentence: Span, at: number): Span {
  let start = at;
  while (start > sentence.start && !CLAUSE_BREAK.test(text[start - 1] ?? '')) start--;
  let end = at;
  while (end < sentence.end && !CLAUSE_BREAK.test(text[end] ?? '')) end++;
  return { start, end };
}

function sentencesIn(text: string, line: Line): Sentence[] {
  const sentences: Sentence[] = [];
  let start = line.start;
  for (let i = line.start; i <= line.end; i++) {
    if (i === line.end || SENTENCE_BREAK.test(text[i] ?? '')) {
      if (i > start) sentences.push({ start, end: i, line });
      start = i + 1;
    }
  }
  return sentences;
}

/** Offset of the last list joiner (、和及与) in text[from, to), or null. */
function lastJoiner(text: string, from: number, to: number): number | null {
  for (let i = to - 1; i >= from; i--) if (LIST_JOINER.test(text[i] ?? '')) return i;
  return null;
}

/** The noun right after a quantity ("建设30家商业精品店" → 商业精品店), up to a verb, an adverb or a break. */
function nounAfter(text: string, clause: Span, q: Quantity): Span {
  let end = q.end;
  while (
    end < clause.end &&
    NOUN_CHAR.test(text[end] ?? '') &&
    !verbStartsAt(text, end) &&
    !PREDICATE_START.test(text.slice(end, end + 2))
  )
    end++;
  // "15个早餐网点、5个便民菜店": the words after the last joiner belong to the next number.
  if (/[0-9０-９]/.test(text[end] ?? '')) end = lastJoiner(text, q.end, end) ?? end;
  return trimmed(text, { start: q.end, end });
}

/** The noun before a relation word, after any earlier verb: "推进…建设科技型中小企业分别达到" → 科技型中小企业. */
function subjectBefore(text: string, segment: Span, verb: Span): Span {
  const earlier = verbsIn(text, segment.start, verb.start).at(-1);
  return trimmed(text, { start: earlier ? earlier.end : segment.start, end: verb.start });
}

/** 分别 lists: "A、B和C分别达到3600家、56家和20家" pairs the i-th noun with the i-th number. */
function listedIndicator(
  text: string,
  subject: Span,
  measure: Measure,
  clause: Span,
  q: Quantity,
  all: Quantity[],
): Span | null {
  if (!measure.text.startsWith('分别')) return null;
  const inList = all.filter((other) => other.start >= measure.end && other.start < clause.end);
  const parts = text.slice(subject.start, subject.end).split(LIST_JOINER);
  const position = inList.indexOf(q);
  if (position < 0 || parts.length < inList.length) return null;
  const skipped = parts.length - inList.length;
  const offset = parts.slice(0, skipped + position).reduce((n, p) => n + p.length + 1, 0);
  return trimmed(text, {
    start: subject.start + offset,
    end: subject.start + offset + parts[skipped + position]!.length,
  });
}

function firstNonEmpty(...spans: Array<Span | null | undefined>): Span | null {
  return spans.find((s): s is Span => s !== null && s !== undefined && !isEmpty(s)) ?? null;
}

/** Indicator of a number that continues a list without a new verb ("15个早餐网点、5个便民菜店"). */
function continuedIndicator(text: string, previous: Previous, q: Quantity, all: Quantity[]): Span {
  const joiner = lastJoiner(text, previous.q.end, q.start);
  const ownNoun = joiner === null ? null : trimmed(text, { start: joiner + 1, end: q.start });
  const measure = previous.measure;
  const subject =
    measure && measure.end <= previous.q.start ? subjectBefore(text, previous.clause, measure) : null;
  const listed = subject && measure ? listedIndicator(text, subject, measure, previous.clause, q, all) : null;
  return firstNonEmpty(listed, ownNoun, nounAfter(text, previous.clause, q)) ?? previous.indicator;
}

/**
 * The indicator of a number, by the shape of its clause: "指标增长8%", "盘活空置楼宇32万平方米",
 * "建设30家商业精品店", "雏鹰企业105家", "4家医疗机构实现…"; else the indicator named earlier.
 */
function ownIndicator(
  text: string,
  segment: Span,
  q: Quantity,
  measure: Measure | null,
  all: Quantity[],
  earlier: Span | null,
): { span: Span; how: string } {
  const verbBefore = measure && measure.end <= q.start ? measure : null;
  const between = trimmed(text, { start: verbBefore ? verbBefore.end : segment.start, end: q.start });
  const betweenIsList = ENDS_WITH_JOINER.test(text.slice(segment.start, q.start));
  // A noun after a rate is never what it measures ("增长8%以上的目标"); after a count it usually is.
  const after = RATE_UNIT.test(q.unit) ? null : nounAfter(text, segment, q);
  const subject = verbBefore ? subjectBefore(text, segment, verbBefore) : null;
  const listed = subject && verbBefore ? listedIndicator(text, subject, verbBefore, segment, q, all) : null;
  const found = betweenIsList
    ? firstNonEmpty(after, between, listed, subject)
    : firstNonEmpty(between, after, listed, subject);
  const span = found ?? earlier ?? measure ?? { start: q.start, end: q.start };
  const how =
    found === null
      ? earlier
        ? 'earlier'
        : 'measure'
      : found === between
        ? 'before-number'
        : found === after
          ? 'after-number'
          : found === listed
            ? 'listed'
            : 'subject';
  return { span, how };
}

/** 年均 qualifies only its own measure; otherwise the nearest time named earlier in the sentence. */
function periodOf(text: string, sentence: Sentence, measure: Measure | null, q: Quantity): string | null {
  if (measure?.text.includes('年均')) return '年均';
  const mentions = periodsIn(text, sentence.start, q.start).filter((m) => m.period !== '年均');
  return mentions.at(-1)?.period ?? sentence.line.section.period;
}

/** Measure and indicator of one number, given the number before it in the same sentence. */
function analyse(
  text: string,
  sentence: Sentence,
  q: Quantity,
  all: Quantity[],
  previous: Previous | null,
): Previous {
  const clause = clauseAround(text, sentence, q.start);
  const sameClause = previous !== null && previous.clause.start === clause.start ? previous : null;
  if (sameClause && verbsIn(text, sameClause.q.end, q.start).length === 0) {
    return {
      q,
      clause,
      measure: sameClause.measure,
      indicator: continuedIndicator(text, sameClause, q, all),
      how: 'continued',
    };
  }
  const segment = { start: sameClause ? sameClause.q.end : clause.start, end: clause.end };
  const measure = measureOf(text, segment, q);
  // Without a subject of its own a number continues the previous topic: in a new clause ("632亿元，
  // 比2015年增加170.5亿元") or right after the previous number ("由71微克下降到48微克").
  const continuesTopic = !sameClause || measure?.start === sameClause.q.end;
  const topic = continuesTopic ? (previous?.indicator ?? null) : null;
  const own = ownIndicator(text, segment, q, measure, all, topic);
  return { q, clause, measure, indicator: own.span, how: own.how };
}

function itemsInSentence(
  text: string,
  sentence: Sentence,
  quoted: ReadonlyArray<[number, number]>,
): ExtractedItem[] {
  const all = quantitiesIn(text, sentence.start, sentence.end, quoted, (at) => verbEndsAt(text, at));
  const own = text.slice(sentence.start, sentence.end);
  const kinds = clauseKinds(text, sentence, sentence.line.section);
  const items: ExtractedItem[] = [];
  let previous: Previous | null = null;
  for (const q of all) {
    const found = analyse(text, sentence, q, all, previous);
    const period = periodOf(text, sentence, found.measure, q);
    const { kind, rule: kindRule } = kinds.filter((k) => k.start <= q.start).at(-1)!;
    const rule = `${kindRule} indicator:${found.how} measure:${found.measure ? 'verb' : 'none'} unit:${q.unitRule}`;
    items.push({
      ...itemOf(text, { kind, q, measure: found.measure, indicator: found.indicator, period }),
      sentence: own,
      rule,
    });
    previous = found;
  }
  return items;
}

function itemOf(
  text: string,
  found: { kind: TargetKind; q: Quantity; measure: Measure | null; indicator: Span; period: string | null },
): Omit<ExtractedItem, 'sentence' | 'rule'> {
  const { kind, q, measure, indicator, period } = found;
  const spans = [q, indicator, ...(measure ? [measure] : [])].filter((s) => !isEmpty(s));
  const start = Math.min(...spans.map((s) => s.start));
  const end = Math.max(...spans.map((s) => s.end));
  return {
    kind,
    indicator: text.slice(indicator.start, indicator.end),
    measure: measure?.text ?? null,
    value: q.value,
    value_max: q.valueMax,
    unit: q.unit,
    period,
    quote: text.slice(start, end),
    start,
    end,
  };
}

/**
 * Every quantified target or result in a report: one item per number written in Arabic digits that
 * measures performance. `kind` follows the section (review → result, plan → target).
 */
export function extractTargets(text: string): ExtractedItem[] {
  const quoted = quotedSpans(text);
  return linesWithSections(text)
    .filter((line) => !line.section.skip)
    .flatMap((line) => sentencesIn(text, line).flatMap((s) => itemsInSentence(text, s, quoted)));
}
