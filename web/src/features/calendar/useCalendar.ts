/** Loads the working calendar (covered date, entered years, duty hours) for the page and the banner. */
import { useCallback, useEffect, useState } from 'react';
import { type ApiAnswer, client, ok } from '../../api/client';

export type CalendarView = ApiAnswer<'get', '/api/calendar'>;

export function useCalendar() {
  const [view, setView] = useState<CalendarView | null>(null);
  const reload = useCallback(() => {
    ok(client.GET('/api/calendar'))
      .then(setView)
      .catch(() => setView(null));
  }, []);
  useEffect(reload, [reload]);
  return { view, setView, reload };
}
