/** Numbers with their units as written in report text (数字 + 量词/单位), and the numbers that are not quantities. */

/** A quantity found in the text: offsets cover the number, its unit and any approximation words. */
export interface Quantity {
  /** Offset of the first digit, or of a minus sign or an approximation prefix (近, 约) before it. */
  start: number;
  /** Offset just past the unit and any approximation suffix (左右, 以上, …). */
  end: number;
  /** Offset of the first digit. */
  numberStart: number;
  /** Offset just past the unit (before any approximation suffix). */
  unitEnd: number;
  value: number;
  valueMax: number | null;
  /** The unit as written with its multiplier (万人, 亿元); '' when the number stands bare. */
  unit: string;
  /** How the unit was read, for the item's rule: a listed word, a unit by grammar, or none. */
  unitRule: UnitRule;
}

/**
 * listed: a word of the unit lists (with multiplier and denominator); own-word: a counting word of
 * its own before a break (匹, 万箱); qualified: a listed unit with a qualifier (万标准亩); shared: the
 * unit written once after the next number (分别提高2和3个百分点); multiplier: a bare multiplier (86万);
 * none: a small bare count after a verb.
 */
export type UnitRule = 'listed' | 'own-word' | 'qualified' | 'shared' | 'multiplier' | 'none';

interface UnitMatch {
  unit: string;
  /** Offset just past the unit, or the offset it was looked for at when there is none. */
  end: number;
  /** How it was read; absent for a listed word or none. */
  how?: UnitRule;
}

/** A whitespace-separated word list, longest words first so that the first match is the longest. */
function words(list: string): string[] {
  return list
    .trim()
    .split(/\s+/)
    .sort((a, b) => b.length - a.length);
}

/** Units that follow a number; longest match wins, so 个百分点 beats 个 and 场次 beats 场. */
const BASE_UNITS = words(`
  % ％ ‰ 个百分点 百分点 个工作日 工作日 个月 小时 分钟 天
  平方公里 平方千米 平方米 平米 立方米 公里 千米 延长米 米 公顷 亩 吨 千克 公斤 微克 毫克 千瓦时 千瓦 兆瓦 标准箱 标箱
  吨标准煤 标准煤 千瓦时 万千瓦时
  美元 欧元 元
  载重吨 千伏安 兆瓦时 吉瓦
  人次 件次 户次 车次 架次 班次 航次 艘次 批次 场次 人 名 位 户 家 座 个 件 所 套 台套 项 辆 台 艘 架 列 栋 幢 处 条
  张 床 场 次 批 间 块 部 支 只 头 宗 笔 例 棵 株 盏 基 根 册 篇 门 种 轮 类 倍 周岁 岁
  尾 羽 眼 口 斤 份 起 段 颗 枚 趟
`);

/** Time denominators of a rate, after a slash only: 万吨/日, 立方米/秒, 人次/年. */
const TIME_DENOMINATORS = words('日 天 年 月 小时 时 秒');

/** Multipliers written between the number and the unit (145亿元, 4万人); part of the unit. */
const MULTIPLIERS = words('万亿 千亿 百亿 千万 百万 十万 万 亿 千 百');

/** Units a multiplier never precedes: 3万% is not a thing, 3万 then % would be a misreading. */
const NO_MULTIPLIER = new Set(['%', '％', '‰', '个百分点', '百分点', '倍']);

/** 余/多 between number and unit ("8万余件", "40余场次"): approximation, not unit. */
const APPROX_INFIX = /^[余多]/;
/** Approximation words after the unit ("1.9万人左右", "96%以上"). */
const APPROX_SUFFIX = /^(?:及以上|及以下|左右|以上|以内|以下|上下)/;
/** Approximation words before the number ("近8万件", "约5亿元"). */
const APPROX_PREFIX = /(?:近|约|逾)$/;
/** Range separators between two numbers ("5至8家", "5-8家", "5～8家"). */
const RANGE_SEPARATOR = /^(?:至|到|-|－|~|～|—)/;

const NUMBER = '[0-9０-９]+(?:[.．][0-9０-９]+)?';
const DIGITS = new RegExp(NUMBER, 'y');
const FULL_WIDTH_DIGIT = /[０-９．]/g;

/** Time units whose number also names a concept when a noun follows ("15分钟生活圈", "24小时自助"). */
const TIME_UNITS = new Set(['天', '小时', '分钟', '个工作日', '工作日', '个月']);

/** Words that make a following quantity a category threshold ("超过500平方米的楼宇"). */
const THRESHOLD_BEFORE = /(?:超过|不低于|不少于|不超过|不足|低于|高于|大于|小于|超|过)$/;

/** Scopes wider than the district: "全市16个区" is context, not the district's performance. */
const REFERENCE_SCOPE = /(?:全市|全省|全国)(?:共有|共|的)?$/;

/** Slogans built on a day count ("大干150天", "奋战100天"). */
const SLOGAN_BEFORE = /(?:大干|奋战|鏖战|决战|会战|冲刺)$/;

/** Characters after a bare number that make it a name, date or ordinal rather than a count. */
const NOT_A_COUNT_AFTER = /^[号年月日时届期次级周大强化点岁层楼路线型代连]/;

/**
 * Where a unit not in the lists may end: a clause break, a list joiner or an approximation word
 * ("鱼苗3200万尾。", "机井120眼，", "320万载重吨以上").
 */
const UNIT_END = /^(?:[，,；;。！!？?、：:）)”\s]|和|及|与|以上|以下|以内|左右|上下|$)/;
/**
 * Characters that never serve as a counting word of their own: function words, dates and names, and
 * administrative divisions ("辖3区5县" describes the place, not work done).
 */
const NOT_A_COUNTING_WORD =
  /[的和及与或等以左上下内余多之其至到为是在了成年月日号时届期次级周大强化点岁层楼路线型代连省市县区镇乡街州旗]/;
/**
 * 千 and 百 standing alone are a multiplier only before a break, a joiner, an approximation word or
 * a range; glued to another word they belong to a unit that is no amount (220千伏, 500千伏).
 */
const SMALL_MULTIPLIERS = new Set(['千', '百']);
const AFTER_BARE_MULTIPLIER = /^(?:[^\p{Script=Han}]|和|及|与|以|左右|上下|余|多|至|到|的|$)/u;

function longestAt(text: string, at: number, words: readonly string[]): string | null {
  for (const w of words) if (text.startsWith(w, at)) return w;
  return null;
}

/** Parses digits (half- or full-width, with a decimal point) to a number. */
function parseNumber(digits: string): number {
  return Number(digits.replace(FULL_WIDTH_DIGIT, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0)));
}

function numberAt(text: string, at: number): { value: number; end: number } | null {
  DIGITS.lastIndex = at;
  const m = DIGITS.exec(text);
  return m ? { value: parseNumber(m[0]), end: at + m[0].length } : null;
}

/**
 * The unit after a number: [余|多] base, or multiplier [余|多] [base]; where no listed word follows,
 * a counting word of its own before a break ("120眼", "3200万尾") or a qualified base unit after a
 * multiplier ("320万载重吨"). Returns '' with `end === at` for none.
 */
function unitAt(text: string, at: number): UnitMatch {
  const infix = approxInfixAt(text, at);
  const base = longestAt(text, at + infix, BASE_UNITS);
  if (base) return withDenominator(text, { unit: base, end: at + infix + base.length });
  const multiplier = longestAt(text, at + infix, MULTIPLIERS);
  if (!multiplier) {
    const word = infix === 0 ? countingWordAt(text, at) : null;
    return word ? { unit: word, end: at + word.length, how: 'own-word' } : { unit: '', end: at };
  }
  const afterMultiplier = at + infix + multiplier.length;
  const infixAfter = infix === 0 ? approxInfixAt(text, afterMultiplier) : 0;
  const tailAt = afterMultiplier + infixAfter;
  const tail = longestAt(text, tailAt, BASE_UNITS);
  if (!tail || NO_MULTIPLIER.has(tail)) {
    const qualified = infixAfter === 0 ? qualifiedUnitAt(text, tailAt) : null;
    if (qualified) return { unit: multiplier + qualified, end: tailAt + qualified.length, how: 'qualified' };
    const word = infixAfter === 0 ? countingWordAt(text, tailAt) : null;
    if (word) return { unit: multiplier + word, end: tailAt + word.length, how: 'own-word' };
    return { unit: multiplier, end: tailAt, how: 'multiplier' };
  }
  return withDenominator(text, { unit: multiplier + tail, end: tailAt + tail.length });
}

/** A single character used as a counting word where the unit ends: "机井120眼。", "鱼苗3200万尾，". */
function countingWordAt(text: string, at: number): string | null {
  const ch = text[at];
  if (!isHan(ch) || NOT_A_COUNTING_WORD.test(ch!)) return null;
  return UNIT_END.test(text.slice(at + 1, at + 3)) ? ch! : null;
}

/**
 * Words that qualify a unit of measure (标准亩, 载重吨, 当量吨); a noun before a counting word
 * ("12万农户") is not one of them, so its number keeps the bare multiplier.
 */
const UNIT_QUALIFIER = /^(?:标准|载重|折标|当量)/;

/** A unit qualifier and a listed base unit: 万标准亩, 万载重吨 (also before a noun: 1.2万标准亩农田). */
function qualifiedUnitAt(text: string, at: number): string | null {
  const qualifier = UNIT_QUALIFIER.exec(text.slice(at, at + 2))?.[0];
  if (!qualifier) return null;
  const base = longestAt(text, at + qualifier.length, BASE_UNITS);
  return base && !NO_MULTIPLIER.has(base) ? qualifier + base : null;
}

function approxInfixAt(text: string, at: number): number {
  return APPROX_INFIX.test(text.slice(at, at + 1)) ? 1 : 0;
}

/**
 * Rate units, by the grammar unit = [multiplier] base [/ [multiplier] base]: "微克/立方米", "万元/亩",
 * "人/万人", "吨/万元".
 */
function withDenominator(text: string, unit: UnitMatch): UnitMatch {
  const slash = text[unit.end];
  if (slash !== '/' && slash !== '／') return unit;
  const multiplier = longestAt(text, unit.end + 1, MULTIPLIERS) ?? '';
  const denominator =
    longestAt(text, unit.end + 1 + multiplier.length, BASE_UNITS) ??
    (multiplier === '' ? longestAt(text, unit.end + 1, TIME_DENOMINATORS) : null);
  if (!denominator) return unit;
  const written = multiplier + denominator;
  return { unit: `${unit.unit}${slash}${written}`, end: unit.end + 1 + written.length };
}

function suffixEnd(text: string, at: number): number {
  const m = APPROX_SUFFIX.exec(text.slice(at, at + 3));
  return m ? at + m[0].length : at;
}

function isLatinOrDigit(ch: string | undefined): boolean {
  return ch !== undefined && /[A-Za-zＡ-Ｚａ-ｚ0-9０-９.．]/.test(ch);
}

function isHan(ch: string | undefined): boolean {
  return ch !== undefined && /\p{Script=Han}/u.test(ch);
}

/** Spans inside short quotations or titles: “六稳12条”, “1001”工程, 《…2018-2020年…》 are names. */
export function quotedSpans(text: string): Array<[number, number]> {
  const spans: Array<[number, number]> = [];
  for (const m of text.matchAll(/“[^“”\n]{1,20}”|「[^」\n]{1,20}」|"[^"\n]{1,20}"|《[^《》\n]{1,60}》/g)) {
    spans.push([m.index, m.index + m[0].length]);
  }
  return spans;
}

function insideAny(spans: ReadonlyArray<[number, number]>, at: number): boolean {
  return spans.some(([s, e]) => s < at && at < e);
}

/** A number glued to Latin letters or preceded by 第 is a name or ordinal: PM2.5, 5G, 5A, G20, 第26届. */
function isNameOrOrdinal(text: string, start: number, end: number): boolean {
  const before = text[start - 1];
  return isLatinOrDigit(before) || isLatinOrDigit(text[end]) || before === '第';
}

/** Words that make 所 a count of schools, hospitals or parks. */
const FACILITY = /[学校园馆]|医院|卫生院|养老院|敬老院/;

/**
 * 所 counts schools and parks ("5所幼儿园", "幼儿园4所", "各新建2所"), but "航天706所" names a
 * research institute: a number glued to a name, not introduced by a verb or 各/共/等, with no
 * facility word right before or after it.
 */
function isInstituteName(text: string, q: Quantity, verbBefore: (at: number) => boolean): boolean {
  if (!q.unit.endsWith('所')) return false;
  const introduced = verbBefore(q.start) || /[各共等约近]/.test(text[q.start - 1] ?? '');
  const around = text.slice(Math.max(0, q.start - 4), q.start) + text.slice(q.unitEnd, q.unitEnd + 4);
  return !introduced && !FACILITY.test(around);
}

/** Classifiers that count the noun after them: "建成100个以上示范点" counts, it does not define. */
const COUNTING_CLASSIFIER = /^[万亿千百]?(?:个|家|所|座|项|条|处|批|套|台|辆|艘|架|栋|间|张|部|支|场|次)$/;

/**
 * A quantity that defines a category of things rather than measuring one: "500平方米以上的楼宇",
 * "年营收2000万元及以上企业", "超过1亿元的项目". A relation word before it ("增长8%以上的目标") keeps it a
 * figure, unless a size with 以上 is glued to the noun it sorts ("培育10亿元以上企业", "消除56人以上大班额").
 */
function isThreshold(text: string, q: Quantity, verbBefore: (at: number) => boolean): boolean {
  if (verbBefore(q.start)) return isSizeBeforeNoun(text, q);
  const suffix = text.slice(q.unitEnd, q.end);
  const beforeNoun = text[q.end] === '的' || isHan(text[q.end]);
  if (/^(?:及以上|及以下)$/.test(suffix)) return true;
  if (/^(?:以上|以下)$/.test(suffix)) return beforeNoun;
  return beforeNoun && THRESHOLD_BEFORE.test(text.slice(Math.max(0, q.start - 3), q.start));
}

/** After a verb: a size with 以上/以下 glued to the noun it sorts, not a count of that noun. */
function isSizeBeforeNoun(text: string, q: Quantity): boolean {
  return (
    /^(?:及)?(?:以上|以下)$/.test(text.slice(q.unitEnd, q.end)) &&
    !NO_MULTIPLIER.has(q.unit) &&
    !COUNTING_CLASSIFIER.test(q.unit) &&
    isHan(text[q.end]) &&
    !/[的和及与并，]/.test(text[q.end] ?? '')
  );
}

/** Counts of the city's or country's units ("全市16个区"); shares ("占全市35%") stay figures. */
function isReferenceCount(text: string, q: Quantity): boolean {
  return !NO_MULTIPLIER.has(q.unit) && REFERENCE_SCOPE.test(text.slice(Math.max(0, q.start - 5), q.start));
}

function isSloganOrConcept(text: string, q: Quantity): boolean {
  if (!TIME_UNITS.has(q.unit)) return false;
  if (SLOGAN_BEFORE.test(text.slice(Math.max(0, q.start - 2), q.start))) return true;
  const next = text[q.end];
  return q.end === q.unitEnd && isHan(next) && !/[内以左之的]/.test(next ?? '');
}

/** Capacity words that make the quantity after them the size of a plant: 年产, 日处理, 年吞吐. */
const CAPACITY_BEFORE = /(?:年|日)(?:产|产能|处理|加工|吞吐|转运|生产)$/;

/**
 * A number that names a grade or specification, not an amount: "10万千瓦级光伏电站", "5万吨级泊位",
 * "300米级超高层" — a unit glued to 级; or the capacity of the plant it names, "年产20万辆新能源汽车
 * 项目", "日处理500吨餐厨垃圾项目" — a capacity word before and the noun right after. A capacity that
 * ends its clause ("新增年产能300万吨。") stays a figure.
 */
function isSpecification(text: string, q: Quantity): boolean {
  if (q.unit !== '' && text[q.unitEnd] === '级') return true;
  return (
    CAPACITY_BEFORE.test(text.slice(Math.max(0, q.start - 4), q.start)) &&
    q.end === q.unitEnd &&
    isHan(text[q.end]) &&
    !UNIT_END.test(text.slice(q.end, q.end + 2))
  );
}

/** What a plan counts of itself: "12项约束性指标", "7个方面", "3大目标" are its structure, not its work. */
const PLAN_STRUCTURE_AFTER =
  /^(?:约束性|预期性|主要|核心|关键|量化|具体|经济社会发展)?(?:指标|目标|方面|章|部分)(?![值任])/;

/** The same structure named before its count: "其中约束性指标9项。" */
const PLAN_STRUCTURE_BEFORE = /(?:约束性|预期性|主要|核心|关键|量化|具体)(?:指标|目标)$/;

function isPlanStructure(text: string, q: Quantity): boolean {
  if (!/^[项个类大]$/.test(q.unit) || q.end !== q.unitEnd) return false;
  return (
    PLAN_STRUCTURE_AFTER.test(text.slice(q.end, q.end + 10)) ||
    (PLAN_STRUCTURE_BEFORE.test(text.slice(Math.max(0, q.start - 8), q.start)) &&
      UNIT_END.test(text.slice(q.end, q.end + 2)))
  );
}

/**
 * A size that describes the things just counted: "2个60万千瓦超超临界机组", "3座5万吨级泊位" — a
 * quantity right after a count and right before the noun it qualifies. "8条12.6公里。" stays two items.
 */
function isAttributeOfCount(text: string, q: Quantity): boolean {
  return (
    /[0-9０-９][个台座条套艘架处项家所批]$/.test(text.slice(Math.max(0, q.start - 2), q.start)) &&
    q.end === q.unitEnd &&
    isHan(text[q.end]) &&
    !UNIT_END.test(text.slice(q.end, q.end + 2))
  );
}

/** True when a quantity is a name, threshold or slogan rather than a measured figure. */
function isExcluded(
  text: string,
  q: Quantity,
  quoted: ReadonlyArray<[number, number]>,
  verbBefore: (at: number) => boolean,
): boolean {
  return (
    insideAny(quoted, q.numberStart) ||
    isSpecification(text, q) ||
    isPlanStructure(text, q) ||
    isAttributeOfCount(text, q) ||
    isInstituteName(text, q, verbBefore) ||
    isThreshold(text, q, verbBefore) ||
    isSloganOrConcept(text, q) ||
    isReferenceCount(text, q)
  );
}

/**
 * A number with no unit counts only in the shape "建成1老年日间照料中心": a small integer right after
 * a measure verb and right before a noun. Longer numbers (8890 hotline, 222325号) never do.
 */
function isBareCount(text: string, start: number, end: number, verbBefore: (at: number) => boolean): boolean {
  const digits = text.slice(start, end);
  return (
    /^[0-9０-９]{1,2}$/.test(digits) &&
    verbBefore(start) &&
    isHan(text[end]) &&
    !NOT_A_COUNT_AFTER.test(text.slice(end, end + 1)) &&
    text[end + 1] !== '级'
  );
}

/** "增长-2.3%": a minus sign not preceded by a number (which would make it a range "5-8%"). */
function isMinusSign(text: string, at: number): boolean {
  return /[-－−]/.test(text[at - 1] ?? '') && !isLatinOrDigit(text[at - 2]);
}

/** A number, its unit, and an optional range end ("5至8家", "5%-8%", "5万至8万人"). */
function quantityAt(text: string, at: number, verbBefore: (at: number) => boolean): Quantity | null {
  const first = numberAt(text, at);
  if (!first) return null;
  const firstUnit = unitAt(text, first.end);
  const range = rangeAfter(text, firstUnit);
  const unit = range ? range.unit : sharedUnit(text, firstUnit);
  if (!unit.unit && !isBareCount(text, at, first.end, verbBefore)) return null;
  // "220千伏", "110千伏": a multiplier glued to a word that is not a unit is part of a name.
  if (SMALL_MULTIPLIERS.has(unit.unit) && !AFTER_BARE_MULTIPLIER.test(text.slice(unit.end, unit.end + 2)))
    return null;
  const prefix = APPROX_PREFIX.exec(text.slice(Math.max(0, at - 1), at));
  const negative = isMinusSign(text, at);
  return {
    start: prefix ? at - prefix[0].length : negative ? at - 1 : at,
    end: suffixEnd(text, unit.end),
    numberStart: at,
    unitEnd: unit.end,
    value: negative ? -first.value : first.value,
    valueMax: range ? range.value : null,
    unit: unit.unit,
    unitRule: unit.how ?? (unit.unit ? 'listed' : 'none'),
  };
}

/**
 * A unit written once for two numbers: "分别提高2和3个百分点", "分别提高5个和3个百分点", "5万和8万人" —
 * a number joined to the next one takes that number's unit when its own is empty or a beginning of
 * it; the span still ends at its own unit.
 */
function sharedUnit(text: string, own: UnitMatch): UnitMatch {
  if (!/^[和、及与]$/.test(text[own.end] ?? '')) return own;
  const next = numberAt(text, own.end + 1);
  const unit = next ? unitAt(text, next.end) : null;
  if (!unit?.unit || unit.unit === own.unit || !unit.unit.startsWith(own.unit)) return own;
  return { unit: unit.unit, end: own.end, how: 'shared' };
}

/** The second half of a range after the first number and its (possibly empty) unit. */
function rangeAfter(text: string, first: UnitMatch): { value: number; unit: UnitMatch } | null {
  const sep = RANGE_SEPARATOR.exec(text.slice(first.end, first.end + 1));
  if (!sep) return null;
  const second = numberAt(text, first.end + sep[0].length);
  if (!second) return null;
  const unit = unitAt(text, second.end);
  const compatible = first.unit === '' || unit.unit === first.unit || unit.unit.startsWith(first.unit);
  return unit.unit && compatible ? { value: second.value, unit } : null;
}

/**
 * All measured quantities in text[from, to), in order. `verbBefore(at)` says whether a measure verb
 * ends at `at`; it admits the rare bare count with no unit.
 */
export function quantitiesIn(
  text: string,
  from: number,
  to: number,
  quoted: ReadonlyArray<[number, number]>,
  verbBefore: (at: number) => boolean,
): Quantity[] {
  const found: Quantity[] = [];
  const numbers = new RegExp(NUMBER, 'g');
  numbers.lastIndex = from;
  for (let m = numbers.exec(text); m && m.index < to; m = numbers.exec(text)) {
    const start = m.index;
    if (isNameOrOrdinal(text, start, start + m[0].length)) continue;
    const q = quantityAt(text, start, verbBefore);
    if (!q || q.end > to) continue;
    numbers.lastIndex = q.unitEnd;
    if (!isExcluded(text, q, quoted, verbBefore)) found.push(q);
  }
  return found;
}
