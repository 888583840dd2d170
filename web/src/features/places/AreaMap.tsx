/** The offline map: our own district, street, community and grid boundaries (no tiles unless configured). */
import * as maplibregl from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import { useEffect, useRef } from 'react';
import type { MapSettings } from '../../api/client';
import { tileLayers, tileSources } from '../../app/map-tiles';

maplibregl.setWorkerUrl(workerUrl);

declare global {
  interface Window {
    /** The map instance, for end-to-end tests that need pixel positions. */
    __wanggeMap?: maplibregl.Map;
  }
}

const NONE = '__none__';

export function AreaMap(props: {
  settings: MapSettings;
  scope: string;
  selected: string | null;
  bbox: [number, number, number, number] | null;
  onPick?(code: string): void;
  /** Called with the clicked point (WGS84) — for picking the place of a case. */
  onPoint?(lon: number, lat: number): void;
  /** A pin to show, e.g. the place of a case. */
  marker?: [number, number] | null;
  height?: number;
}) {
  const container = useRef<HTMLDivElement>(null);
  const mapRef = useRef<maplibregl.Map | null>(null);
  const onPick = useRef(props.onPick);
  onPick.current = props.onPick;
  const onPoint = useRef(props.onPoint);
  onPoint.current = props.onPoint;
  const markerRef = useRef<maplibregl.Marker | null>(null);

  useEffect(() => {
    if (!container.current) return;
    const within = props.scope ? `&within=${props.scope}` : '';
    const geojson = (level: string) => `/api/areas/geojson?level=${level}${within}`;
    const { tileUrl, center, zoom } = props.settings;
    const map = new maplibregl.Map({
      container: container.current,
      center,
      zoom,
      attributionControl: false,
      style: {
        version: 8,
        sources: {
          ...tileSources(props.settings),
          districts: { type: 'geojson', data: geojson('district') },
          streets: { type: 'geojson', data: geojson('street') },
          communities: { type: 'geojson', data: geojson('community') },
          grids: { type: 'geojson', data: geojson('grid') },
        },
        layers: [
          { id: 'background', type: 'background', paint: { 'background-color': '#eef1f5' } },
          ...tileLayers(props.settings),
          {
            id: 'district-fill',
            type: 'fill',
            source: 'districts',
            paint: { 'fill-color': '#ffffff', 'fill-opacity': 0.9 },
          },
          {
            id: 'street-fill',
            type: 'fill',
            source: 'streets',
            paint: {
              'fill-color': [
                'match',
                ['%', ['to-number', ['slice', ['get', 'code'], 6, 9]], 6],
                0,
                '#e3f2fd',
                1,
                '#fff3e0',
                2,
                '#e8f5e9',
                3,
                '#fce4ec',
                4,
                '#ede7f6',
                '#f1f8e9',
              ],
              'fill-opacity': 0.8,
            },
          },
          {
            id: 'grid-fill',
            type: 'fill',
            source: 'grids',
            minzoom: 13,
            paint: { 'fill-color': '#1677ff', 'fill-opacity': 0.02 },
          },
          {
            id: 'grid-line',
            type: 'line',
            source: 'grids',
            minzoom: 13,
            paint: { 'line-color': '#90a4ae', 'line-width': 0.5 },
          },
          {
            id: 'community-line',
            type: 'line',
            source: 'communities',
            paint: { 'line-color': '#607d8b', 'line-width': 1 },
          },
          {
            id: 'street-line',
            type: 'line',
            source: 'streets',
            paint: { 'line-color': '#37474f', 'line-width': 2 },
          },
          {
            id: 'district-line',
            type: 'line',
            source: 'districts',
            paint: { 'line-color': '#c62828', 'line-width': 3 },
          },
          ...(['grids', 'communities', 'streets', 'districts'] as const).map((source) => ({
            id: `selected-${source}`,
            type: 'line' as const,
            source,
            filter: ['==', ['get', 'code'], NONE] as maplibregl.FilterSpecification,
            paint: { 'line-color': '#fa541c', 'line-width': 3 },
          })),
        ],
      },
    });
    map.addControl(new maplibregl.NavigationControl({ showCompass: false }));
    map.addControl(new maplibregl.ScaleControl({}));
    if (tileUrl) map.addControl(new maplibregl.AttributionControl({ compact: true }));
    map.on('click', (e) => {
      const layers = ['grid-fill', 'street-fill', 'district-fill'].filter((l) => map.getLayer(l));
      const hit = map.queryRenderedFeatures(e.point, { layers })[0];
      const code = hit?.properties?.code;
      if (typeof code === 'string') onPick.current?.(code);
      onPoint.current?.(e.lngLat.lng, e.lngLat.lat);
    });
    for (const layer of ['grid-fill', 'street-fill']) {
      map.on('mouseenter', layer, () => {
        map.getCanvas().style.cursor = 'pointer';
      });
      map.on('mouseleave', layer, () => {
        map.getCanvas().style.cursor = '';
      });
    }
    mapRef.current = map;
    window.__wanggeMap = map;
    return () => {
      map.remove();
      mapRef.current = null;
      window.__wanggeMap = undefined;
    };
  }, [props.settings, props.scope]);

  useEffect(() => {
    const map = mapRef.current;
    if (!map) return;
    const apply = () => {
      for (const source of ['grids', 'communities', 'streets', 'districts']) {
        map.setFilter(`selected-${source}`, ['==', ['get', 'code'], props.selected ?? NONE]);
      }
      if (props.bbox) {
        const [a, b, c, d] = props.bbox;
        const bounds = new maplibregl.LngLatBounds([a, b], [c, d]);
        if (!map.getBounds().contains(bounds.getCenter()) || (props.selected?.length ?? 0) < 15) {
          map.fitBounds(bounds, { padding: 60, maxZoom: 16.5, duration: 600 });
        }
      }
    };
    if (map.isStyleLoaded()) apply();
    else map.once('load', apply);
  }, [props.selected, props.bbox]);

  useEffect(() => {
    const map = mapRef.current;
    if (!map) return;
    markerRef.current?.remove();
    markerRef.current = props.marker
      ? new maplibregl.Marker({ color: '#fa541c' }).setLngLat(props.marker).addTo(map)
      : null;
  }, [props.marker]);

  return (
    <div
      ref={container}
      data-testid="area-map"
      style={{ width: '100%', height: props.height ?? '100%', minHeight: props.height ?? 480 }}
    />
  );
}
