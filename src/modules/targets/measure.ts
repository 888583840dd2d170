/** Relation words (增长, 控制在, 盘活 …) that tie an indicator to its number in report text. */

export interface Span {
  start: number;
  end: number;
}

export interface Measure extends Span {
  /** As written, with qualifiers: 年均增长, 分别达到, 比2015年增加. */
  text: string;
}

/** Relation words; the 在/至/到 forms are listed so that "控制在3%" keeps its preposition. */
const MEASURE_VERBS = `
  分别为 年均增长 增长 增加 增至 提高到 提高至 提高 提升至 提升到 提升改造 提升 下降到 下降至 下降 降低到 降低至 降低
  降至 减少 压缩至 压缩到 压减至 压减 缩短至 缩短到 缩短 扩大至 扩大到 控制在 控制 保持在 保持 稳定在 达到 达
  突破 超过 新增 新建 新开工 新投入使用 新设 建成 建设 改扩建 完成 实现 引进 招引 引导 盘活 培育 开工 竣工
  拓宽改造 改造 整治 整修 修缮 安装 开设 发放 投入 注销 转让 解决 化解 选派 实施 推动 办理 受理 帮扶 救助
  培训 签约 吸纳 带动 安置 拆除 治理 开展 举办 召开 创建 查处 排查 整改 打造 认定 入库 吸引 利用 节约 种植
  栽植 改建 新认定 申报 获批 办结 调解 处置 消除 腾退 疏解 关停 搬迁 资助 慰问 铺设 更新 维修 开通 开办 惠及
  覆盖 转移 清理 落地 入驻 办好 办成 接待 新招 参与 投用 投入使用 建成投用
`
  .trim()
  .split(/\s+/)
  .sort((a, b) => b.length - a.length);

const VERB_SOURCE = MEASURE_VERBS.join('|');
const VERB_AT_END = new RegExp(`(?:${VERB_SOURCE})了?$`);
const VERB_AT_START = new RegExp(`^(?:${VERB_SOURCE})`);
const VERB_ANYWHERE = new RegExp(VERB_SOURCE, 'g');

/** Baselines such as 比上年, 较2015年, 比“十二五”末 — part of a measure, never of an indicator. */
export const BASELINE =
  '(?:比|较)(?:上年|去年|同期|[12][0-9]{3}年(?:末|底)?|“?十[一二三四五六七八九]五”?(?:末|期末)?)';

/** Qualifiers written before a relation word that belong to the measure: 分别达到, 同比增长, 累计超过. */
const MODIFIERS = new RegExp(`(?:${BASELINE}|分别|累计|同比|共计|共|均)*$`);

/** A verb followed by one of these is part of a noun: 新开工面积, 增加值, 投入强度, 达标率, 建成区. */
const NOMINAL_SUFFIX =
  /^(?:面积|量|率|额|值|数|强度|规模(?!以上)|总量|比重|占比|能力|水平|效率|标|区(?!级|域|内)|[)）])/;
/** Nouns that start with a relation word: 建设项目, 建设资金 (but "引进项目30个" is a verb and its object). */
const NOMINAL_COMPOUND = /^建设(?:项目|资金|任务|用地)/;
/** A verb preceded by one of these is part of a noun: 违法建设. */
const NOMINAL_PREFIX = /(?:违法|违章)$/;

/** True when a relation word is part of a noun, or stands in brackets ("科技领军(培育)企业"). */
function isNominal(text: string, verb: Span): boolean {
  return (
    NOMINAL_SUFFIX.test(text.slice(verb.end, verb.end + 4)) ||
    NOMINAL_COMPOUND.test(text.slice(verb.start, verb.start + 4)) ||
    NOMINAL_PREFIX.test(text.slice(Math.max(0, verb.start - 2), verb.start))
  );
}

/** Relation words in text[from, to) that act as verbs (not inside a noun, not in brackets). */
export function verbsIn(text: string, from: number, to: number): Span[] {
  const verbs: Span[] = [];
  for (const m of text.slice(from, to).matchAll(VERB_ANYWHERE)) {
    const start = from + m.index;
    const end = start + m[0].length;
    if (!isNominal(text, { start, end })) verbs.push({ start, end });
  }
  return verbs;
}

/** True when a relation word ends exactly at `at` ("建成1…", "达到35座"). */
export function verbEndsAt(text: string, at: number): boolean {
  return VERB_AT_END.test(text.slice(Math.max(0, at - 6), at));
}

/** True when a relation word (acting as a verb) starts at `at`. */
export function verbStartsAt(text: string, at: number): boolean {
  const m = VERB_AT_START.exec(text.slice(at, at + 5));
  return m !== null && !isNominal(text, { start: at, end: at + m[0].length });
}

/** A verb before one of these modifies a noun rather than joining the measure: 投入帮扶资金. */
const CHAIN_STOP = /^(?:资金|项目|对象|人员|工作|机制)/;

/** Joins relation words written together: "新建改建", "新建、改扩建", "提升改造". */
function verbChain(text: string, segment: Span, verb: Span): Span {
  let { start, end } = verb;
  for (;;) {
    const joined = text[end] === '、' ? 1 : 0;
    const next = VERB_AT_START.exec(text.slice(end + joined, segment.end));
    const nextEnd = end + joined + (next?.[0].length ?? 0);
    if (
      !next ||
      isNominal(text, { start: end + joined, end: nextEnd }) ||
      CHAIN_STOP.test(text.slice(nextEnd))
    )
      break;
    end += joined + next[0].length;
  }
  for (;;) {
    const joined = text[start - 1] === '、' ? 1 : 0;
    const previous = VERB_AT_END.exec(text.slice(segment.start, start - joined));
    if (!previous || previous[0].endsWith('了')) break;
    start = segment.start + previous.index;
  }
  return { start, end };
}

function withModifiers(text: string, segment: Span, verb: Span): Measure {
  const chain = verbChain(text, segment, verb);
  const modifiers = MODIFIERS.exec(text.slice(segment.start, chain.start))?.[0].length ?? 0;
  const start = chain.start - modifiers;
  return { start, end: chain.end, text: text.slice(start, chain.end) };
}

/**
 * The relation word of a number in text[segment): the one right before the number, else the first
 * verb earlier in the segment ("引进北京企业893家"), else the first one after ("4家医疗机构实现…").
 */
export function measureOf(text: string, segment: Span, number: Span): Measure | null {
  const adjacent = VERB_AT_END.exec(text.slice(segment.start, number.start));
  if (adjacent) {
    const start = segment.start + adjacent.index;
    const verb = { start, end: start + adjacent[0].replace(/了$/, '').length };
    if (!isNominal(text, verb)) return withModifiers(text, segment, verb);
  }
  const before = verbsIn(text, segment.start, number.start)[0];
  if (before) return withModifiers(text, segment, before);
  const after = verbsIn(text, number.end, segment.end)[0];
  return after ? { ...after, text: text.slice(after.start, after.end) } : null;
}
