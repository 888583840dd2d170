/** Times are shown in the district's own clock (Asia/Shanghai), whatever the browser's zone. */
const zone = { timeZone: 'Asia/Shanghai' } as const;

export function formatTime(iso: string | null | undefined, lang = 'zh-CN'): string {
  if (!iso) return '—';
  return new Date(iso).toLocaleString(lang === 'en' ? 'en-GB' : 'zh-CN', { ...zone, hour12: false });
}
