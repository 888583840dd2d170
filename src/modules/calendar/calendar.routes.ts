/** HTTP routes of the working calendar (工作日历): read it; administrators enter years, import, set duty hours. */
import type { Role } from '../../platform/auth/roles.js';
import { type App, principalOf } from '../../platform/http/app.js';
import {
  CalendarChange,
  CalendarParseBody,
  CalendarView,
  DistrictParams,
  DutyHoursBody,
  HolidayYear,
  HolidayYearBody,
  YearParams,
} from './calendar.schemas.js';
import type { Calendars } from './calendar.service.js';

const ADMIN: readonly Role[] = ['admin'];

export function registerCalendarRoutes(app: App, calendars: Calendars): void {
  app.get(
    '/api/calendar',
    {
      config: { access: 'authenticated' },
      schema: {
        tags: ['calendar'],
        summary: 'The working calendar: entered years, duty hours, the last covered date, next year missing',
        response: { 200: CalendarView },
      },
    },
    async () => calendars.view(),
  );
  app.post(
    '/api/calendar/parse',
    {
      config: { access: ADMIN },
      schema: {
        tags: ['calendar'],
        summary: "Read a year's holidays from the State Council notice text or an .ics file (stores nothing)",
        body: CalendarParseBody,
        response: { 200: HolidayYear },
      },
    },
    async (req) => calendars.parse(req.body),
  );
  app.put(
    '/api/calendar/years/:year',
    {
      config: { access: ADMIN },
      schema: {
        tags: ['calendar'],
        summary: "Enter a year's holidays and make-up working days; open deadlines are counted again",
        params: YearParams,
        body: HolidayYearBody,
        response: { 200: CalendarChange },
      },
    },
    async (req) => calendars.putYear(principalOf(req), Number(req.params.year), req.body),
  );
  app.delete(
    '/api/calendar/years/:year',
    {
      config: { access: ADMIN },
      schema: {
        tags: ['calendar'],
        summary: 'Remove an entered year; open deadlines are counted again',
        params: YearParams,
        response: { 200: CalendarChange },
      },
    },
    async (req) => calendars.deleteYear(principalOf(req), Number(req.params.year)),
  );
  app.put(
    '/api/calendar/duty-hours/:district',
    {
      config: { access: ADMIN },
      schema: {
        tags: ['calendar'],
        summary: "Set a district's daily duty hours; open deadlines are counted again",
        params: DistrictParams,
        body: DutyHoursBody,
        response: { 200: CalendarChange },
      },
    },
    async (req) => calendars.putDutyHours(principalOf(req), req.params.district, req.body.periods),
  );
}
