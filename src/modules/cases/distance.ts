/** Great-circle distance between two WGS84 points, in metres (haversine on the mean Earth radius). */
export function metresBetween(lon1: number, lat1: number, lon2: number, lat2: number): number {
  const rad = Math.PI / 180;
  const dLat = (lat2 - lat1) * rad;
  const dLon = (lon2 - lon1) * rad;
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(dLon / 2) ** 2;
  return 6_371_008 * 2 * Math.asin(Math.sqrt(a));
}

/** The lon/lat box that holds every point within `metres` of (lon, lat) (for an index read; then measure). */
export function boxAround(lon: number, lat: number, metres: number) {
  const dLat = metres / 111_320;
  const dLon = metres / (111_320 * Math.cos((lat * Math.PI) / 180));
  return { minLon: lon - dLon, maxLon: lon + dLon, minLat: lat - dLat, maxLat: lat + dLat };
}
