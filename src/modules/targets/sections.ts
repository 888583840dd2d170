/** Sections of a work report (工作回顾 vs 工作安排), the kind they give their figures, and time periods. */

/** target: a goal, plan or commitment; result: something reported as achieved. */
export type TargetKind = 'target' | 'result';

/** What a line inherits from the heading above it. */
export interface SectionContext {
  /** null before any heading that tells review from plan. */
  kind: TargetKind | null;
  period: string | null;
  /** Glossaries (名词解释) and page chrome: their thresholds are definitions, not figures. */
  skip: boolean;
  /**
   * The year the report plans for: the earliest year named by a goals heading ("三、全力做好2021年重点
   * 工作", not "2035年远景目标"), else the year after the latest reviewed year, else null. A goals
   * section's clause that opens with an earlier year reports the past.
   */
  planYear?: number | null;
}

export interface Line {
  start: number;
  end: number;
  section: SectionContext;
}

/**
 * Heading words that decide the kind on their own: 工作回顾 is a review even when it says 主要工作,
 * and "目标任务全面完成" reports a result.
 */
const STRONG_RESULT = /回顾|总结|回首|完成情况|执行情况|(?:全面|圆满|顺利|超额|如期)完成/;
const STRONG_TARGET = /目标|任务|安排|打算|计划|展望|今后|今年|明年|思路|部署|举措|总体要求|政策取向/;
/** Weaker heading words, used when no strong word and no later year decides ("取得新突破" is a plan). */
const WEAK_RESULT = /过去|去年|取得(?!新)|成绩|成就|显著|明显/;
const WEAK_TARGET = /主要工作|重点工作|工作重点|做好|规划|建议/;
/**
 * An unnumbered heading changes the section only when it names a time ("过去五年工作回顾",
 * "2019年工作安排"); a short line such as "重点任务圆满完成" may be a sub-heading of either section.
 */
const TIME_WORD = /[12][0-9]{3}年|过去|今后|今年|明年|去年|十[一二三四五六七八九]五|[一二三四五]年/;

const SKIP_HEADING = /名词解释|名词注释|名词说明|注释/;

/** Page chrome and notes: lines of a web page around the report, or "注:" lines under a table. */
const CHROME_LINE =
  /浏览次数|点击数|点击量|访问量|阅读次数|字体|字号|打印本页|关闭窗口|分享到|责任编辑|版权所有|主办单位|承办单位|ICP备|公网安备|网站标识码|网站地图|发布时间|发布日期|信息来源|^\s*(?:注|注释|说明)[：:]/;
const MAX_CHROME_LENGTH = 80;

/** Top-level headings: "一、…", "第一部分 …". Sub-headings "(一)" never change the section. */
const NUMBERED_HEADING = /^\s*(?:[一二三四五六七八九十]+、|第[一二三四五六七八九十]+部分)/;
const MAX_HEADING_LENGTH = 50;
/** Unnumbered headings are short lines without punctuation ("过去五年工作回顾"). */
const MAX_STANDALONE_LENGTH = 30;

/** A paragraph that opens a review where no heading has ("过去的一年，…我们重点做了以下工作"). */
const REVIEW_OPENING = /^\s*(?:过去的?(?:一|五)年|一年来|五年来|[12][0-9]{3}年以来)/;

/** Words in a sentence that mark a plan or a past achievement, used where no heading decides. */
const FUTURE_WORDS = /将|力争|确保|计划|预期|目标|争取|今年|明年|今后/;
const PAST_WORDS = /(?<!为)了(?!解)|已经|已|累计|去年|上年|过去|预计/;

interface Heading {
  text: string;
  numbered: boolean;
  year: number | null;
}

/** A line's heading, or null when the line is body text. A numbered heading may run on into text. */
function headingOf(line: string): Heading | null {
  const trimmed = line.trim();
  const numbered = NUMBERED_HEADING.exec(trimmed);
  if (numbered) {
    const text = /^[^。；;：:！!？?\s]*/.exec(trimmed.slice(numbered[0].length))?.[0] ?? '';
    return text.length <= MAX_HEADING_LENGTH ? headingWithYear(text, true) : null;
  }
  const standalone =
    trimmed.length > 0 &&
    trimmed.length <= MAX_STANDALONE_LENGTH &&
    !/[。；;：:，,！!？?]/.test(trimmed) &&
    !/^(?:[(（]|[0-9０-９]+[.．、)）])/.test(trimmed);
  return standalone ? headingWithYear(trimmed, false) : null;
}

function headingWithYear(text: string, numbered: boolean): Heading {
  const year = /([12][0-9]{3})年/.exec(text);
  return { text, numbered, year: year ? Number(year[1]) : null };
}

/**
 * The kind a heading gives its section. A numbered heading whose year is earlier than a later
 * heading's ("一、2018年主要工作" before "二、2019年工作安排") reviews that year.
 */
function kindOfHeading(heading: Heading, laterYear: number | null): TargetKind | null {
  if (!heading.numbered && !TIME_WORD.test(heading.text)) return null;
  if (STRONG_RESULT.test(heading.text)) return 'result';
  if (STRONG_TARGET.test(heading.text)) return 'target';
  if (heading.numbered && heading.year !== null && laterYear !== null && heading.year < laterYear)
    return 'result';
  if (WEAK_RESULT.test(heading.text)) return 'result';
  if (WEAK_TARGET.test(heading.text)) return 'target';
  return null;
}

/** The section after a heading: cues change it; a heading without cues keeps kind and period. */
function nextSection(current: SectionContext, heading: Heading, laterYear: number | null): SectionContext {
  if (SKIP_HEADING.test(heading.text)) return { ...current, period: null, skip: true };
  const kind = kindOfHeading(heading, laterYear);
  if (kind === null && !heading.numbered) return current;
  const own = periodsIn(heading.text, 0, heading.text.length)[0]?.period ?? null;
  const sameKind = kind === null || kind === current.kind;
  return {
    ...current,
    kind: kind ?? current.kind,
    period: own ?? (sameKind ? current.period : null),
    skip: false,
  };
}

/** For each line, the largest year named by a numbered heading below it. */
function laterHeadingYears(headings: Array<Heading | null>): Array<number | null> {
  const later: Array<number | null> = [];
  let max: number | null = null;
  for (let i = headings.length - 1; i >= 0; i--) {
    later[i] = max;
    const h = headings[i];
    if (h?.numbered && h.year !== null) max = Math.max(max ?? h.year, h.year);
  }
  return later;
}

/** Every line of the text with the section it stands in; chrome lines are marked skip. */
export function linesWithSections(text: string): Line[] {
  const raw = text.split('\n');
  const headings = raw.map(headingOf);
  const laterYears = laterHeadingYears(headings);
  const lines: Line[] = [];
  const planYears: number[] = [];
  const reviewYears: number[] = [];
  let section: SectionContext = { kind: null, period: null, skip: false };
  let start = 0;
  raw.forEach((line, i) => {
    const heading = headings[i];
    if (heading) {
      section = nextSection(section, heading, laterYears[i] ?? null);
      // Only a heading that itself decides review or plan dates the plan ("2024年政府工作报告" does not).
      const decided = section.skip ? null : kindOfHeading(heading, laterYears[i] ?? null);
      if (heading.year !== null && decided !== null)
        (decided === 'target' ? planYears : reviewYears).push(heading.year);
    } else if (section.kind === null && REVIEW_OPENING.test(line)) section = { ...section, kind: 'result' };
    const chrome = line.length <= MAX_CHROME_LENGTH && CHROME_LINE.test(line);
    lines.push({ start, end: start + line.length, section: chrome ? { ...section, skip: true } : section });
    start += line.length + 1;
  });
  const planYear =
    planYears.length > 0
      ? Math.min(...planYears)
      : reviewYears.length > 0
        ? Math.max(...reviewYears) + 1
        : null;
  return lines.map((l) => ({ ...l, section: { ...l.section, planYear } }));
}

/** Kind from a sentence's own words, for text outside any recognised section. Plain figures are results. */
export function kindOfSentence(sentence: string): TargetKind {
  return FUTURE_WORDS.test(sentence) && !PAST_WORDS.test(sentence) ? 'target' : 'result';
}

/**
 * Markers of a sentence that reports the past period even under a heading that announces goals
 * ("去年地区生产总值增长5.2%，完成了全年目标"): a past time as its own subject (not a baseline 比去年),
 * or a completion in the perfect (完成了, 超额完成, 已经实现).
 */
const PAST_IN_PLAN =
  /(?<![比较同])(?:去年|上一年|过去(?:的)?(?:一|五)年|一年来|五年来)|(?:完成|实现|达到|建成|增长)了|超额完成|提前完成|已经|已(?:完成|实现|达到|建成)/;
/** Markers of a goal, which keep the sentence a target whatever else it says. */
const GOAL_IN_PLAN = /力争|预期|确保|争取|目标是|计划|将(?!近)|要(?!求)|努力|今年|明年|今后|到[12][0-9]{3}年/;

/** The kind of a sentence in a section: a plan's sentence that only reports the past is a result. */
export function kindInSection(section: TargetKind, sentence: string): TargetKind {
  if (section === 'target' && PAST_IN_PLAN.test(sentence) && !GOAL_IN_PLAN.test(sentence)) return 'result';
  return section;
}

/** How the kind of a figure was decided, for the item's rule. */
export type KindRule =
  | 'kind:section-plan'
  | 'kind:section-review'
  | 'kind:past-under-plan'
  | 'kind:past-clause-under-plan'
  | 'kind:goal-clause-under-plan'
  | 'kind:tense-target'
  | 'kind:tense-result';

export interface ClauseKind {
  /** Offset (in the text) where this kind starts to hold; it holds up to the next entry. */
  start: number;
  kind: TargetKind;
  rule: KindRule;
}

/** Words a clause may open with before its time word: "其中", "同时", "而". */
const CLAUSE_LEAD = /^(?:其中|同时|而且|而|但|并且|并|此外|另外)?[，,]?/;
/** A clause that opens with the past period ("去年…", "上年，…", "一年来…", "过去五年…"). */
const PAST_OPENER =
  /^(?:去年|上年|上一年|过去(?:的)?(?:一|五)年|一年来|五年来|(?:今年|本年|年初|[12][0-9]{3}年|“?十[一二三四五六七八九]五”?)以来)/;
/**
 * A clause whose subject is followed by a perfect ("全区已完成…", "目前已累计建成…"): a stock
 * already reached, not a goal.
 */
const PERFECT_OPENER =
  /^[^已]{0,8}已(?:经)?(?:累计)?(?:建成|完成|实现|达到|新增|有|形成|投入|开工|落地|引进|培育|创建|改造|突破|覆盖)/;
/**
 * Goal words inside a clause that opens with the past: "去年开工的12个项目年内全部建成" counts the
 * projects of a goal, so it stays a target.
 */
const GOAL_INSIDE = /要(?!求)|确保|力争|争取|将(?!近)|今年(?!以来)|明年|年内/;
/** A clause that opens with a goal or the plan's own time ("今年…", "力争…", "到2025年…"). */
const GOAL_OPENER = /^(?:今年|明年|今后|力争|确保|争取|计划|预期|将|要|到[12][0-9]{3}年)/;
/** A clause that opens with a year ("2022年全省…", "2022年末，…", "截至2022年底，…"). */
const YEAR_OPENER = /^(?:截至|截止到?|至)?([12][0-9]{3})年/;
const CLAUSE_SPLIT = /[，,；;：:]/;

/**
 * The kind of each clause of a sentence. Outside a goals section the sentence decides (a review's
 * figures are results; with no section its tense decides). Inside a goals section the sentence's own
 * words give the default (kindInSection), and a clause that opens with a time changes the kind for
 * itself and the clauses after it: "去年…增长8.2%，…下降1.5%，今年…" reports the past, then plans;
 * a clause opening with a year before the report's plan year reports that year.
 */
export function clauseKinds(
  text: string,
  sentence: { start: number; end: number },
  section: SectionContext,
): ClauseKind[] {
  const own = text.slice(sentence.start, sentence.end);
  if (section.kind === null) {
    const kind = kindOfSentence(own);
    return [{ start: sentence.start, kind, rule: `kind:tense-${kind}` }];
  }
  if (section.kind === 'result')
    return [{ start: sentence.start, kind: 'result', rule: 'kind:section-review' }];
  const kind = kindInSection('target', own);
  const kinds: ClauseKind[] = [
    { start: sentence.start, kind, rule: kind === 'target' ? 'kind:section-plan' : 'kind:past-under-plan' },
  ];
  let at = sentence.start;
  for (const clause of own.split(CLAUSE_SPLIT)) {
    const opener = clause.slice(CLAUSE_LEAD.exec(clause)?.[0].length ?? 0);
    const opened = openerKind(opener, section.planYear ?? null);
    if (opened !== null && opened !== kinds.at(-1)!.kind) {
      kinds.push({
        start: at,
        kind: opened,
        rule: opened === 'result' ? 'kind:past-clause-under-plan' : 'kind:goal-clause-under-plan',
      });
    }
    at += clause.length + 1;
  }
  return kinds;
}

function openerKind(opener: string, planYear: number | null): TargetKind | null {
  const past = (): TargetKind => (GOAL_INSIDE.test(opener) ? 'target' : 'result');
  if (PAST_OPENER.test(opener)) return past();
  if (GOAL_OPENER.test(opener)) return 'target';
  const year = YEAR_OPENER.exec(opener);
  if (year && planYear !== null) return Number(year[1]) < planYear ? past() : 'target';
  if (PERFECT_OPENER.test(opener) && !GOAL_INSIDE.test(opener)) return 'result';
  return null;
}

export interface PeriodMention {
  start: number;
  end: number;
  period: string;
}

/** 2018年末, 2017年, “十三五”末, 年均, 五年 — and not baselines such as 比2015年, 较“十二五”末. */
const PERIOD =
  /(?<![比较与同由自从]|[比较与同由自从]“)(?:([12][0-9]{3})年(末|底)?|“?(十[一二三四五六七八九]五)”?(末|期末)?|(年均)|(今后五年|过去五年|五年来))/g;

/** Period mentions in text[from, to), in order of appearance. */
export function periodsIn(text: string, from: number, to: number): PeriodMention[] {
  const found: PeriodMention[] = [];
  const slice = text.slice(from, to);
  for (const m of slice.matchAll(PERIOD)) {
    const [, year, yearEnd, plan, planEnd, yearly, fiveYears] = m;
    const period = year
      ? `${year}${yearEnd ? '年末' : ''}`
      : plan
        ? `${plan}${planEnd ? '末' : ''}`
        : (yearly ?? (fiveYears ? '五年' : ''));
    found.push({ start: from + m.index, end: from + m.index + m[0].length, period });
  }
  return found;
}
