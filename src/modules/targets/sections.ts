/** Sections of a work report (工作回顾 vs 工作安排), the kind they give their figures, and time periods. */

/** target: a goal, plan or commitment; result: something reported as achieved. */
export type TargetKind = 'target' | 'result';

/** What a line inherits from the heading above it. */
export interface SectionContext {
  /** null before any heading that tells review from plan. */
  kind: TargetKind | null;
  period: string | null;
  /** Glossaries (名词解释) and appendices: their thresholds are definitions, not figures. */
  skip: boolean;
}

export interface Line {
  start: number;
  end: number;
  section: SectionContext;
}

/** Heading words, strongest first: a review heading often also says 主要工作, a plan heading 目标. */
const HEADING_CUES: ReadonlyArray<[RegExp, TargetKind]> = [
  [/回顾|总结|回首|完成情况|执行情况/, 'result'],
  [/目标|任务|安排|打算|计划|展望|今后|今年|明年|思路|部署|举措/, 'target'],
  [/过去|取得|成绩|成就|成效/, 'result'],
  [/主要工作|重点工作|工作重点|做好|规划|建议/, 'target'],
];

const SKIP_HEADING = /名词解释|名词注释|名词说明|附件|附录|注释/;

/** Top-level headings: "一、…", "第一部分 …". Sub-headings "(一)" never change the section. */
const NUMBERED_HEADING = /^\s*(?:[一二三四五六七八九十]+、|第[一二三四五六七八九十]+部分)/;
const MAX_HEADING_LENGTH = 50;

/** Words in a sentence that mark a plan or a past achievement, used where no heading decides. */
const FUTURE_WORDS = /将|力争|确保|计划|预期|目标|争取|今年|明年|今后/;
const PAST_WORDS = /了|已经|已|累计|去年|上年|过去|预计/;

/** A heading's text, or null when the line is body text. */
function headingText(line: string): string | null {
  const trimmed = line.trim();
  if (trimmed.length === 0 || trimmed.length > MAX_HEADING_LENGTH) return null;
  const numbered = NUMBERED_HEADING.exec(trimmed);
  if (numbered) return trimmed.slice(numbered[0].length);
  const standalone =
    trimmed.length <= 30 && !/[。；;：:，,！!？?]/.test(trimmed) && !/^[(（0-9０-９]/.test(trimmed);
  return standalone ? trimmed : null;
}

function kindOfHeading(heading: string): TargetKind | null {
  for (const [cue, kind] of HEADING_CUES) if (cue.test(heading)) return kind;
  return null;
}

/** The section context after a heading line: cues change it, a heading without cues keeps it. */
function nextSection(current: SectionContext, heading: string, numbered: boolean): SectionContext {
  if (SKIP_HEADING.test(heading)) return { kind: current.kind, period: null, skip: true };
  const kind = kindOfHeading(heading);
  if (kind === null && !numbered) return current;
  return {
    kind: kind ?? current.kind,
    period: periodsIn(heading, 0, heading.length)[0]?.period ?? (numbered ? null : current.period),
    skip: false,
  };
}

/** Every line of the text with the section it stands in. Headings themselves are included. */
export function linesWithSections(text: string): Line[] {
  const lines: Line[] = [];
  let section: SectionContext = { kind: null, period: null, skip: false };
  let start = 0;
  for (const raw of text.split('\n')) {
    const heading = headingText(raw);
    if (heading !== null) section = nextSection(section, heading, NUMBERED_HEADING.test(raw));
    lines.push({ start, end: start + raw.length, section });
    start += raw.length + 1;
  }
  return lines;
}

/** Kind from a sentence's own words, for text outside any recognised section. Plain figures are results. */
export function kindOfSentence(sentence: string): TargetKind {
  return FUTURE_WORDS.test(sentence) && !PAST_WORDS.test(sentence) ? 'target' : 'result';
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
