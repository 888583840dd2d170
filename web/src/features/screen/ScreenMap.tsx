/**
 * The big screen's map: the district's own boundaries (offline style, no tiles unless configured) on a
 * dark ground, each grid shaded by its open cases and red where one is overdue, and the open incidents as
 * dots in their warning colour (the emergency layer). Not interactive.
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

/** An open incident on the emergency layer (应急图层): a dot in its warning colour, larger when more severe. */
export interface MapIncident {
  id: string;
  level: number;
  colour: 'red' | 'orange' | 'yellow' | 'blue';
  lon: number | null;
  lat: number | null;
}

/** Warning colours (预警色) as the screen draws them on its dark ground. */
export const WARNING = { red: '#ff3b30', orange: '#ff9500', yellow: '#ffd60a', blue: '#0a84ff' } as const;

type IncidentFeature = {
  type: 'Feature';
  geometry: { type: 'Point'; coordinates: [number, number] };
  properties: { id: string; level: number; colour: string };
};

function incidentFeatures(incidents: readonly MapIncident[]): {
  type: 'FeatureCollection';
  features: IncidentFeature[];
} {
  return {
    type: 'FeatureCollection',
    features: incidents
      .filter((i) => i.lon !== null && i.lat !== null)
      .map((i) => ({
        type: 'Feature' as const,
        geometry: { type: 'Point' as const, coordinates: [i.lon as number, i.lat as number] },
        properties: { id: i.id, level: i.level, colour: WARNING[i.colour] },
      })),
  };
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
  incidents: readonly MapIncident[];
}) {
  const container = useRef<HTMLDivElement>(null);
  const mapRef = useRef<maplibregl.Map | null>(null);
  const load = useRef(props.load);
  load.current = props.load;
  const incidents = useRef(props.incidents);
  incidents.current = props.incidents;

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
          incidents: { type: 'geojson', data: incidentFeatures(incidents.current) },
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
          {
            id: 'incident-dot',
            type: 'circle',
            source: 'incidents',
            paint: {
              'circle-color': ['get', 'colour'],
              // Level Ⅰ (1) is the largest dot, Ⅳ (4) the smallest.
              'circle-radius': ['interpolate', ['linear'], ['get', 'level'], 1, 16, 4, 8],
              'circle-opacity': 0.9,
              'circle-stroke-color': '#ffffff',
              'circle-stroke-width': 2,
            },
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

  useEffect(() => {
    const map = mapRef.current;
    if (!map) return;
    const apply = () => {
      void (map.getSource('incidents') as maplibregl.GeoJSONSource | undefined)?.setData(
        incidentFeatures(props.incidents),
      );
    };
    if (map.isStyleLoaded()) apply();
    else map.once('load', apply);
  }, [props.incidents]);

  return <div ref={container} data-testid="screen-map" style={{ width: '100%', height: '100%' }} />;
}
