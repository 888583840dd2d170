/** Nearest resources (就近调度): rank candidate resources by great-circle distance from a point. Pure. */
import { metresBetween } from '../cases/distance.js';

/** The `limit` nearest of `items` to (lon, lat), each with its distance in whole metres, nearest first. */
export function nearest<T extends { lon: number; lat: number; id: string }>(
  items: readonly T[],
  lon: number,
  lat: number,
  limit: number,
): (T & { distanceMetres: number })[] {
  return items
    .map((r) => ({ ...r, distanceMetres: Math.round(metresBetween(lon, lat, r.lon, r.lat)) }))
    .sort((a, b) => a.distanceMetres - b.distanceMetres || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .slice(0, limit);
}
