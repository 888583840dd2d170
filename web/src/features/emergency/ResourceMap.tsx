/** The incident on a MapLibre map with the resources near it (our own boundaries; tiles when configured). */
import * as maplibregl from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import { useEffect, useRef } from 'react';
import type { MapSettings } from '../../api/client';
import { tileLayers, tileSources } from '../../app/map-tiles';

maplibregl.setWorkerUrl(workerUrl);

export interface MapResource {
  id: string;
  name: string;
  category: string;
  available: number;
  measure: string;
  lon: number;
  lat: number;
}

export function ResourceMap(props: {
  settings: MapSettings;
  incident: [number, number];
  resources: readonly MapResource[];
  height?: number;
}) {
  const box = useRef<HTMLDivElement>(null);
  const map = useRef<maplibregl.Map | null>(null);
  const markers = useRef<maplibregl.Marker[]>([]);

  useEffect(() => {
    if (!box.current) return;
    const m = new maplibregl.Map({
      container: box.current,
      center: props.incident,
      zoom: 14.5,
      attributionControl: false,
      style: {
        version: 8,
        sources: {
          ...tileSources(props.settings),
          streets: { type: 'geojson', data: '/api/areas/geojson?level=street' },
          districts: { type: 'geojson', data: '/api/areas/geojson?level=district' },
        },
        layers: [
          { id: 'bg', type: 'background', paint: { 'background-color': '#eef1f5' } },
          ...tileLayers(props.settings),
          {
            id: 'district-fill',
            type: 'fill',
            source: 'districts',
            paint: { 'fill-color': '#fff', 'fill-opacity': 0.8 },
          },
          { id: 'street-line', type: 'line', source: 'streets', paint: { 'line-color': '#90a4ae' } },
          {
            id: 'district-line',
            type: 'line',
            source: 'districts',
            paint: { 'line-color': '#c62828', 'line-width': 2 },
          },
        ],
      },
    });
    m.addControl(new maplibregl.NavigationControl({ showCompass: false }));
    m.addControl(new maplibregl.ScaleControl({}));
    map.current = m;
    window.__wanggeMap = m;
    return () => {
      m.remove();
      map.current = null;
    };
  }, [props.settings, props.incident]);

  useEffect(() => {
    const m = map.current;
    if (!m) return;
    for (const x of markers.current) x.remove();
    const incident = new maplibregl.Marker({ color: '#cf1322' }).setLngLat(props.incident).addTo(m);
    incident.getElement().dataset.testid = 'incident-marker';
    const list = props.resources.map((r) => {
      const mk = new maplibregl.Marker({ color: '#1677ff', scale: 0.8 })
        .setLngLat([r.lon, r.lat])
        .setPopup(
          new maplibregl.Popup({ offset: 20 }).setText(
            `${r.name}: ${r.category} ${r.available} ${r.measure}`,
          ),
        )
        .addTo(m);
      mk.getElement().dataset.testid = 'resource-marker';
      return mk;
    });
    markers.current = [incident, ...list];
    if (list.length) {
      const bounds = new maplibregl.LngLatBounds(props.incident, props.incident);
      for (const r of props.resources) bounds.extend([r.lon, r.lat]);
      m.fitBounds(bounds, { padding: 50, maxZoom: 16, duration: 0 });
    }
  }, [props.resources, props.incident]);

  return (
    <div
      ref={box}
      data-testid="resource-map"
      style={{ width: '100%', height: props.height ?? 320, borderRadius: 6, overflow: 'hidden' }}
    />
  );
}
