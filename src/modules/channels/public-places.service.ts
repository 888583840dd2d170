/**
 * The portal's place search (地名地址查询): a citizen without a map (or who cannot use one) names the
 * place — a landmark or address from the operators' gazetteer, or a street, community or grid — and the
 * report takes its point. Public, read-only, limited per address in the process (`WindowLimit`).
 */
import type { Kysely } from 'kysely';
import type { DB } from '../../platform/db/schema.js';
import { TooMany } from '../../platform/errors.js';
import { type Places, searchAreas } from '../places/places.service.js';
import { ChannelsStore } from './channels.store.js';
import { WindowLimit } from './search-limit.js';

/** Searches per address per minute. */
export const PLACE_SEARCH_LIMIT = { perMinute: 30 } as const;

export class PublicPlaces {
  private readonly store: ChannelsStore;
  private readonly limit = new WindowLimit(PLACE_SEARCH_LIMIT.perMinute, 60_000);

  constructor(
    private readonly db: Kysely<DB>,
    private readonly places: Pick<Places, 'locate'>,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.store = new ChannelsStore(db);
  }

  /** Places by name, landmarks first, each with the point a report will use (WGS84). */
  async search(q: string, source: string) {
    if (!this.limit.take(source, this.now().getTime()))
      throw new TooMany(
        'too_many_searches',
        'Too many place searches from here; wait a minute and try again.',
      );
    const [landmarks, areas] = await Promise.all([
      this.store.searchGazetteer('', q),
      searchAreas(this.db, '', q),
    ]);
    const hits = [
      ...landmarks.map((g) => ({
        kind: 'landmark',
        name: g.name,
        detail: g.aliases,
        lon: g.lon,
        lat: g.lat,
      })),
      // An area's point is the centre of its box, kept only when it lies inside the area itself (a
      // concave street's centre may fall in its neighbour): a report filed there must land in the area.
      ...(
        await Promise.all(
          areas.map(async (a) => {
            const b = a.bbox;
            if (!b || b.length < 4) return null;
            const lon = ((b[0] ?? 0) + (b[2] ?? 0)) / 2;
            const lat = ((b[1] ?? 0) + (b[3] ?? 0)) / 2;
            const at = await this.places.locate(lon, lat).catch(() => null);
            if (!at?.grid.code.startsWith(a.code)) return null;
            return { kind: a.level as string, name: a.name, detail: at.street.name, lon, lat };
          }),
        )
      ).filter((h) => h !== null),
    ];
    return hits
      .filter((h): h is typeof h & { lon: number; lat: number } => h.lon !== null && h.lat !== null)
      .slice(0, 12);
  }
}
