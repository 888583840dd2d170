/** The installation's optional raster tiles (WANGGE_TILE_URL) as a MapLibre source and layer, for every map. */
import type { RasterLayerSpecification, SourceSpecification } from 'maplibre-gl';
import type { MapSettings } from '../api/client';

export function tileSources(
  s: Pick<MapSettings, 'tileUrl' | 'attribution'>,
): Record<string, SourceSpecification> {
  if (!s.tileUrl) return {};
  return {
    tiles: {
      type: 'raster',
      tiles: [s.tileUrl],
      tileSize: 256,
      ...(s.attribution ? { attribution: s.attribution } : {}),
    },
  };
}

export function tileLayers(
  s: Pick<MapSettings, 'tileUrl'>,
  paint?: RasterLayerSpecification['paint'],
): RasterLayerSpecification[] {
  return s.tileUrl ? [{ id: 'tiles', type: 'raster', source: 'tiles', ...(paint ? { paint } : {}) }] : [];
}
