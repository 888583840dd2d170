/** Loads a list from the API and reloads it on demand; errors surface through antd's message. */
import { App } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { get } from '../../api/client';

/** `url` null loads nothing (for lists a screen needs only sometimes). */
export function useList<T>(url: string | null) {
  const { message } = App.useApp();
  const [rows, setRows] = useState<T[]>([]);
  const [loading, setLoading] = useState(url !== null);
  const reload = useCallback(() => {
    if (url === null) return;
    setLoading(true);
    get<T[]>(url)
      .then(setRows)
      .catch((e: unknown) => message.error(e instanceof Error ? e.message : String(e)))
      .finally(() => setLoading(false));
  }, [url, message]);
  useEffect(reload, [reload]);
  return { rows, loading, reload };
}

/** Runs a change, shows the server's message on failure, and reports whether it succeeded. */
export function useAction() {
  const { message } = App.useApp();
  return useCallback(
    async (fn: () => Promise<unknown>, ok?: string): Promise<boolean> => {
      try {
        await fn();
        if (ok) void message.success(ok);
        return true;
      } catch (e) {
        void message.error(e instanceof Error ? e.message : String(e));
        return false;
      }
    },
    [message],
  );
}
