/**
 * The big screen's map: the district's own boundaries (offline style, no tiles unless configured) on a
 * dark ground, each grid shaded by its open cases and red where one is overdue. Not interactive.
 */
import * as maplibregl from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import { useEffect, useRef } from 'react';
import type { MapSettings } from '../../api/client';
import { tileLayers, tileSources } from '../../app/map-tiles';

maplibregl.setWorkerUrl(workerUrl);

export interface GridLoad {
  code: string;
  open: number;
  overdue: number;
}

export const SHADES = {
  none: 'rgba(120, 150, 190, 0.08)',
  open: '#1f6feb',
  many: '#d29922',
  overdue: '#f85149',
};

/** The fill colour of a grid from its open and overdue counts (a MapLibre expression over literals). */
function fillExpression(load: readonly GridLoad[]): maplibregl.ExpressionSpecification {
  const open: Record<string, number> = {};
  const overdue: Record<string, number> = {};
  for (const l of load) {
    open[l.code] = l.open;
    overdue[l.code] = l.overdue;
  }
  const of = (table: Record<string, number>): maplibregl.ExpressionSpecification => [
    'coalesce',
    ['get', ['get', 'code'], ['literal', table]],
    0,
  ];
  return [
    'case',
    ['>', of(overdue), 0],
    SHADES.overdue,
    ['>', of(open), 0],
    ['interpolate', ['linear'], of(open), 1, SHADES.open, 6, SHADES.many],
    SHADES.none,
  ];
}

export function ScreenMap(props: {
  settings: MapSettings;
  scope: string;
  bbox: [number, number, number, number] | null;
  load: readonly GridLoad[];
}) {
  const container = useRef<HTMLDivElement>(null);
  const mapRef = useRef<maplibregl.Map | null>(null);
  const load = useRef(props.load);
  load.current = props.load;

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
      interactive: false,
      style: {
        version: 8,
        sources: {
          ...tileSources(props.settings),
          districts: { type: 'geojson', data: geojson('district') },
          streets: { type: 'geojson', data: geojson('street') },
          grids: { type: 'geojson', data: geojson('grid') },
        },
        layers: [
          { id: 'background', type: 'background', paint: { 'background-color': '#0b1220' } },
          ...tileLayers(props.settings, { 'raster-opacity': 0.35 }),
          {
            id: 'district-fill',
            type: 'fill',
            source: 'districts',
            paint: { 'fill-color': '#111c2e', 'fill-opacity': 0.95 },
          },
          {
            id: 'grid-fill',
            type: 'fill',
            source: 'grids',
            paint: { 'fill-color': fillExpression(load.current), 'fill-opacity': 0.85 },
          },
          {
            id: 'grid-line',
            type: 'line',
            source: 'grids',
            paint: { 'line-color': '#22324a', 'line-width': 0.4 },
          },
          {
            id: 'street-line',
            type: 'line',
            source: 'streets',
            paint: { 'line-color': '#7aa2d6', 'line-width': 1.5 },
          },
          {
            id: 'district-line',
            type: 'line',
            source: 'districts',
            paint: { 'line-color': '#58a6ff', 'line-width': 3 },
          },
        ],
      },
    });
    if (tileUrl) map.addControl(new maplibregl.AttributionControl({ compact: true }));
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
    if (!map || !props.bbox) return;
    const [a, b, c, d] = props.bbox;
    const frame = () => map.fitBounds([a, b, c, d], { padding: 24, duration: 0 });
    if (map.isStyleLoaded()) frame();
    else map.once('load', frame);
  }, [props.bbox]);

  useEffect(() => {
    const map = mapRef.current;
    if (!map) return;
    const apply = () => map.setPaintProperty('grid-fill', 'fill-color', fillExpression(props.load));
    if (map.isStyleLoaded()) apply();
    else map.once('load', apply);
  }, [props.load]);

  return <div ref={container} data-testid="screen-map" style={{ width: '100%', height: '100%' }} />;
}
