/**
 * Reads the State Council's yearly notice on holiday arrangements (国务院办公厅关于某年部分节假日安排的通知)
 * as pasted text — "一、元旦：1月1日（周五）至3日（周日）放假调休，共3天。" and "2月14日（星期日）、2月27日
 * （星期六）上班" — into the year's days off and make-up working days (pure). What it cannot place, it
 * leaves out; `checkHolidayYear` then judges the result.
 */
import { type HolidayDay, type HolidayYear, ymd } from './holiday-year.js';

const SECTION = /(?:^|[\s。；;])([一二三四五六七八九十]+)、\s*([^：:\s。]{1,12})[：:]/g;
/** A date or a range: 年 optional, the end's 年 and 月 optional (至3日 = the same month). */
const DATE_OR_RANGE =
  /(?:(\d{4})年)?(\d{1,2})月(\d{1,2})日(?:[（(][^）)]*[）)])?(?:\s*(?:至|到|—|－|-|~|～)\s*(?:(\d{4})年)?(?:(\d{1,2})月)?(\d{1,2})日(?:[（(][^）)]*[）)])?)?/g;
const KEYWORD = /放假|休假|上班|补班/g;

function halfWidth(s: string): string {
  return s.replace(/[０-９]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0));
}

/** Days from `from` to `to` inclusive (YYYY-MM-DD), at most a year's worth. */
function daysBetween(from: string, to: string): string[] {
  const out: string[] = [];
  const t = Date.parse(`${to}T00:00:00Z`);
  for (let d = Date.parse(`${from}T00:00:00Z`); d <= t && out.length < 366; d += 86_400_000) {
    out.push(new Date(d).toISOString().slice(0, 10));
  }
  return out;
}

/** The festival sections of the notice: its name and its text. Without numbered sections, one unnamed. */
function sections(text: string): { name: string; body: string }[] {
  const heads = [...text.matchAll(SECTION)];
  if (heads.length === 0) return [{ name: '', body: text }];
  return heads.map((h, i) => {
    const start = (h.index ?? 0) + h[0].length;
    const end = heads[i + 1]?.index ?? text.length;
    return { name: (h[2] ?? '').trim(), body: text.slice(start, end) };
  });
}

/** Parses the notice for `year`. Dates are placed in `year` unless the text names another year. */
export function parseHolidayNotice(text: string, year: number): HolidayYear {
  const holidays: HolidayDay[] = [];
  const workdays: HolidayDay[] = [];
  for (const { name, body } of sections(halfWidth(text))) {
    const festival = name || '节假日';
    // A date belongs to the first keyword after it: "1月1日至3日放假调休，共3天。1月4日上班。"
    const keywords = [...body.matchAll(KEYWORD)].map((k) => ({
      at: k.index ?? 0,
      off: k[0] === '放假' || k[0] === '休假',
    }));
    for (const m of body.matchAll(DATE_OR_RANGE)) {
      const at = (m.index ?? 0) + m[0].length;
      const kw = keywords.find((k) => k.at >= at);
      if (!kw) continue;
      const y1 = m[1] ? Number(m[1]) : year;
      const m1 = Number(m[2]);
      const from = ymd(y1, m1, Number(m[3]));
      let days = [from];
      if (m[6]) {
        const m2 = m[5] ? Number(m[5]) : m1;
        const y2 = m[4] ? Number(m[4]) : m2 < m1 ? y1 + 1 : y1;
        days = daysBetween(from, ymd(y2, m2, Number(m[6])));
      }
      for (const date of days) (kw.off ? holidays : workdays).push({ date, name: festival });
    }
  }
  return { year, holidays, workdays };
}
