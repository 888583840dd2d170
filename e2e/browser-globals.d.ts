// Types for code that page.evaluate() runs inside the browser (the project's TS config has no DOM lib).
import type { Map as MapLibreMap } from 'maplibre-gl';

declare global {
  var window: typeof globalThis & { __wanggeMap?: MapLibreMap };
}
