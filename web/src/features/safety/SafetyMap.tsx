/** Points on the district's own boundaries (places or hazards), coloured by a property; a click names the point. */
import * as maplibregl from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import { useEffect, useRef, useState } from 'react';
import { get, type MapSettings } from '../../api/client';

maplibregl.setWorkerUrl(workerUrl);

export interface MapPoint {
  id: string;
  lon: number | null;
  lat: number | null;
  label: string;
  color: string;
}

const COLORS: Record<string, string> = {
  red: '#cf1322',
  orange: '#d46b08',
  gold: '#d4b106',
  blue: '#1677ff',
  green: '#389e0d',
  default: '#8c8c8c',
};

type PointFeature = {
  type: 'Feature';
  geometry: { type: 'Point'; coordinates: [number, number] };
  properties: { id: string; label: string; color: string };
};

function collection(points: MapPoint[]): { type: 'FeatureCollection'; features: PointFeature[] } {
  return {
    type: 'FeatureCollection',
    features: points
      .filter((p) => p.lon !== null && p.lat !== null)
      .map(
        (p): PointFeature => ({
          type: 'Feature',
          geometry: { type: 'Point', coordinates: [p.lon as number, p.lat as number] },
          properties: { id: p.id, label: p.label, color: COLORS[p.color] ?? p.color },
        }),
      ),
  };
}

export function SafetyMap(props: { points: MapPoint[]; scope: string; onPick?(id: string): void }) {
  const container = useRef<HTMLDivElement>(null);
  const mapRef = useRef<maplibregl.Map | null>(null);
  const [settings, setSettings] = useState<MapSettings | null>(null);
  const onPick = useRef(props.onPick);
  onPick.current = props.onPick;
  const points = useRef(props.points);
  points.current = props.points;

  useEffect(() => {
    void get<MapSettings>('/api/settings/map').then(setSettings);
  }, []);

  useEffect(() => {
    if (!container.current || !settings) return;
    const within = props.scope ? `&within=${props.scope}` : '';
    const map = new maplibregl.Map({
      container: container.current,
      center: settings.center,
      zoom: settings.zoom,
      attributionControl: false,
      style: {
        version: 8,
        sources: {
          streets: { type: 'geojson', data: `/api/areas/geojson?level=street${within}` },
          points: { type: 'geojson', data: collection(points.current) },
        },
        layers: [
          { id: 'background', type: 'background', paint: { 'background-color': '#eef1f5' } },
          {
            id: 'street-fill',
            type: 'fill',
            source: 'streets',
            paint: { 'fill-color': '#ffffff', 'fill-opacity': 0.9 },
          },
          {
            id: 'street-line',
            type: 'line',
            source: 'streets',
            paint: { 'line-color': '#607d8b', 'line-width': 1 },
          },
          {
            id: 'points',
            type: 'circle',
            source: 'points',
            paint: {
              'circle-radius': 7,
              'circle-color': ['get', 'color'],
              'circle-stroke-color': '#ffffff',
              'circle-stroke-width': 2,
            },
          },
        ],
      },
    });
    map.addControl(new maplibregl.NavigationControl({ showCompass: false }));
    map.on('click', 'points', (e) => {
      const f = e.features?.[0];
      if (!f) return;
      const id = String(f.properties?.id ?? '');
      new maplibregl.Popup()
        .setLngLat(e.lngLat)
        .setText(String(f.properties?.label ?? ''))
        .addTo(map);
      onPick.current?.(id);
    });
    mapRef.current = map;
    return () => {
      map.remove();
      mapRef.current = null;
    };
  }, [settings, props.scope]);

  useEffect(() => {
    const map = mapRef.current;
    if (!map) return;
    const apply = () => {
      const source = map.getSource('points') as maplibregl.GeoJSONSource | undefined;
      const data = collection(props.points);
      void source?.setData(data);
      const coords = data.features.map((f) => f.geometry.coordinates);
      if (coords.length) {
        const bounds = new maplibregl.LngLatBounds(coords[0], coords[0]);
        for (const c of coords) bounds.extend(c);
        map.fitBounds(bounds, { padding: 60, maxZoom: 16, duration: 0 });
      }
    };
    if (map.isStyleLoaded()) apply();
    else map.once('load', apply);
  }, [props.points]);

  return <div ref={container} data-testid="safety-map" style={{ width: '100%', height: 480 }} />;
}
