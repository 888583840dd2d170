/** Request and response schemas of the working calendar (工作日历): holiday years, duty hours, imports. */
import { z } from 'zod';

/** The years a calendar can hold (the State Council publishes one notice a year). */
const Year = z.number().int().min(2000).max(2099);
export const YearParams = z.object({ year: z.string().regex(/^20\d{2}$/, 'a year from 2000 to 2099') });
export const DistrictParams = z.object({
  district: z.string().regex(/^\d{6}$/, 'a district code of 6 digits'),
});

/** A day of the schedule; the date is checked by the service, which names what is wrong with it. */
export const HolidayDay = z.object({
  date: z.string().min(1).max(20),
  name: z.string().trim().max(20),
});

export const HolidayYearBody = z.object({
  holidays: z.array(HolidayDay).max(366),
  workdays: z.array(HolidayDay).max(366),
  /** Replace a year already entered with a different schedule (otherwise: 400 calendar_year_conflict). */
  replace: z.boolean().optional(),
  /** Why (recorded on every case whose deadline moves); a default names the year. */
  reason: z.string().trim().max(200).optional(),
});
export type HolidayYearBodyT = z.infer<typeof HolidayYearBody>;

export const HolidayYear = z.object({
  year: Year,
  holidays: z.array(HolidayDay),
  workdays: z.array(HolidayDay),
});

/** A year's schedule to read from a file or pasted text (nothing is stored). */
export const CalendarParseBody = z.object({
  year: Year,
  /** `notice`: the State Council notice as text; `ics`: an iCalendar file's content. */
  format: z.enum(['notice', 'ics']),
  text: z.string().min(1).max(1_000_000),
});
export type CalendarParseBodyT = z.infer<typeof CalendarParseBody>;

export const DutyHoursBody = z.object({
  /** Daily duty periods, `HH:MM-HH:MM`, e.g. ["09:00-12:00", "13:30-17:30"]. */
  periods: z.array(z.string().max(20)).min(1).max(6),
});

export const CalendarView = z.object({
  /** The last date whose holidays are known; working-time deadlines after it are provisional. */
  coveredUntil: z.string(),
  /** The last date the built-in data (chinese-days) covers. */
  builtInUntil: z.string(),
  nextYear: z.number(),
  /** From 1 November: next year's holidays are not entered yet. */
  nextYearMissing: z.boolean(),
  years: z.array(HolidayYear),
  dutyHours: z.array(z.object({ district: z.string(), periods: z.array(z.string()) })),
  defaultDutyHours: z.array(z.string()),
});
export type CalendarViewT = z.infer<typeof CalendarView>;

export const CalendarChange = z.object({
  calendar: CalendarView,
  /** Open cases whose working-time deadline was counted again, and how many of them moved. */
  checked: z.number(),
  moved: z.number(),
});
