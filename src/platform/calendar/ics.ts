/**
 * Reads a year's holidays and make-up working days from an iCalendar (.ics, RFC 5545) file of all-day
 * events, as holiday calendars publish them: `SUMMARY:春节(休)` for days off, `SUMMARY:春节(班)` for
 * make-up working days (pure). Only VEVENTs with DTSTART;VALUE=DATE are read; DTEND is exclusive.
 */
import { type HolidayDay, type HolidayYear, isDate } from './holiday-year.js';

/** Lines with RFC 5545 folding undone (a line starting with a space or tab continues the previous one). */
function unfold(text: string): string[] {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(/\n[ \t]/g, '')
    .split('\n');
}

function unescapeText(v: string): string {
  return v.replace(/\\n/gi, ' ').replace(/\\([,;\\])/g, '$1');
}

/** `20270101` → `2027-01-01`, or null when it is not a plain date. */
function icsDate(v: string): string | null {
  const m = /^(\d{4})(\d{2})(\d{2})$/.exec(v.trim());
  if (!m) return null;
  const d = `${m[1]}-${m[2]}-${m[3]}`;
  return isDate(d) ? d : null;
}

function addDay(ymd: string): string {
  return new Date(Date.parse(`${ymd}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}

const WORK_MARK = /[(（]\s*班\s*[)）]|上班|补班|调休上班/;
const OFF_MARK = /[(（]\s*休\s*[)）]/;

/**
 * The days of the file's all-day events that fall in `year`. An event is a make-up working day when
 * its summary says so (班/上班/补班) or Apple's `X-APPLE-SPECIAL-DAY:ALTERNATE-WORKDAY` does; otherwise
 * a day off. Events of other years are skipped, so a multi-year file imports one year.
 */
export function parseHolidayIcs(text: string, year: number): HolidayYear {
  const holidays: HolidayDay[] = [];
  const workdays: HolidayDay[] = [];
  let ev: Record<string, string> | null = null;
  for (const line of unfold(text)) {
    const upper = line.toUpperCase();
    if (upper === 'BEGIN:VEVENT') {
      ev = {};
      continue;
    }
    if (upper === 'END:VEVENT') {
      if (ev) collect(ev, year, holidays, workdays);
      ev = null;
      continue;
    }
    if (!ev) continue;
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const [prop = '', ...params] = line.slice(0, colon).split(';');
    const key = prop.toUpperCase();
    if (key === 'DTSTART' || key === 'DTEND') {
      // Only whole days: VALUE=DATE or a bare 8-digit value; timed events are not holidays.
      const dateOnly = params.some((p) => p.toUpperCase() === 'VALUE=DATE');
      const v = line.slice(colon + 1).trim();
      if (dateOnly || /^\d{8}$/.test(v)) ev[key] = v;
    } else if (key === 'SUMMARY' || key === 'X-APPLE-SPECIAL-DAY') {
      ev[key] = unescapeText(line.slice(colon + 1).trim());
    }
  }
  return { year, holidays, workdays };
}

function collect(
  ev: Record<string, string>,
  year: number,
  holidays: HolidayDay[],
  workdays: HolidayDay[],
): void {
  const start = ev.DTSTART ? icsDate(ev.DTSTART) : null;
  if (!start) return;
  const endExclusive = ev.DTEND ? icsDate(ev.DTEND) : null;
  const summary = ev.SUMMARY ?? '';
  const special = (ev['X-APPLE-SPECIAL-DAY'] ?? '').toUpperCase();
  const work = special === 'ALTERNATE-WORKDAY' || WORK_MARK.test(summary);
  const name = summary.replace(WORK_MARK, '').replace(OFF_MARK, '').trim() || '节假日';
  const last = endExclusive && endExclusive > start ? endExclusive : addDay(start);
  for (let d = start, n = 0; d < last && n < 366; d = addDay(d), n++) {
    if (!d.startsWith(`${year}-`)) continue;
    (work ? workdays : holidays).push({ date: d, name });
  }
}
