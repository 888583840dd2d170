/**
 * The field app's outbox: every report and action is kept on the device first, with its own
 * idempotency key, and sent when the network allows. A resend after a lost answer carries the same key,
 * so the server answers the first result and never makes a second case.
 */
import { api, uploadFile } from '../../api/client';

export interface Outgoing {
  key: string;
  createdAt: string;
  label: string;
  url: string;
  body: Record<string, unknown>;
  /** A photo taken offline, as a data URL; uploaded first and added to the body's `evidence`. */
  photo?: string;
  attempts: number;
  lastError?: string;
  /** The server refused it (4xx): waiting will not help; the worker sees why and may discard it. */
  refused?: boolean;
}

const STORE = 'wangge.field.outbox';

export function loadOutbox(): Outgoing[] {
  try {
    return JSON.parse(localStorage.getItem(STORE) ?? '[]') as Outgoing[];
  } catch {
    return [];
  }
}

function saveOutbox(items: Outgoing[]): void {
  localStorage.setItem(STORE, JSON.stringify(items));
}

export function discard(key: string): void {
  saveOutbox(loadOutbox().filter((x) => x.key !== key));
}

export function enqueue(item: Omit<Outgoing, 'key' | 'createdAt' | 'attempts'>): Outgoing {
  const full = { ...item, key: crypto.randomUUID(), createdAt: new Date().toISOString(), attempts: 0 };
  saveOutbox([...loadOutbox(), full]);
  return full;
}

async function send(item: Outgoing): Promise<void> {
  const body = { ...item.body };
  if (item.photo) {
    const blob = dataUrlToBlob(item.photo); // not fetch(): the page's CSP allows no data: connections
    const stored = await uploadFile(blob, 'photo.jpg'); // by content hash: a resend stores nothing new
    body.evidence = [...((body.evidence as string[] | undefined) ?? []), stored.hash];
  }
  await api('POST', item.url, body, { 'idempotency-key': item.key });
}

let running: Promise<{ sent: number; left: number }> | null = null;

/** Sends what is waiting, oldest first; stops at the first network failure. One run at a time. */
export function syncOutbox(): Promise<{ sent: number; left: number }> {
  running ??= (async () => {
    let sent = 0;
    for (const item of loadOutbox().filter((x) => !x.refused)) {
      try {
        await send(item);
        saveOutbox(loadOutbox().filter((x) => x.key !== item.key));
        sent++;
      } catch (e) {
        const message = e instanceof Error ? e.message : String(e);
        const status = e && typeof e === 'object' && 'status' in e ? Number(e.status) : 0;
        const refused = status >= 400 && status < 500 && status !== 408 && status !== 429;
        saveOutbox(
          loadOutbox().map((x) =>
            x.key === item.key ? { ...x, attempts: x.attempts + 1, lastError: message, refused } : x,
          ),
        );
        if (!refused) break; // the network or the server is down: try again later, in order
      }
    }
    return { sent, left: loadOutbox().length };
  })().finally(() => {
    running = null;
  });
  return running;
}

function dataUrlToBlob(dataUrl: string): Blob {
  const [head = '', data = ''] = dataUrl.split(',');
  const mime = /^data:([^;]+)/.exec(head)?.[1] ?? 'application/octet-stream';
  const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
  return new Blob([bytes], { type: mime });
}

/** A camera photo made small enough to keep on the device and send over a weak network. */
export async function shrinkPhoto(file: File, maxSide = 1280): Promise<string> {
  const bitmap = await createImageBitmap(file);
  const scale = Math.min(1, maxSide / Math.max(bitmap.width, bitmap.height));
  const canvas = document.createElement('canvas');
  canvas.width = Math.round(bitmap.width * scale);
  canvas.height = Math.round(bitmap.height * scale);
  canvas.getContext('2d')?.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  return canvas.toDataURL('image/jpeg', 0.8);
}
