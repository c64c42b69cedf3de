import L from 'leaflet';
import 'leaflet/dist/leaflet.css';
import { feature } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import countries110m from 'world-atlas/countries-110m.json';
import { splitAtAntimeridian, type LatLon } from '../../../shared/ground-track.js';
import { basemapCountries, thin } from './basemap.js';

/** More track points than a map of this size can show apart: draw at most this many. */
const MAX_DRAWN = 3_000;

/**
 * The Leaflet map of the Map page, kept imperative and outside React: an offline Natural Earth
 * basemap (world-atlas, bundled), the current position, and the ground track on a canvas renderer.
 */
export class WorldMap {
  private readonly map: L.Map;
  private readonly renderer = L.canvas({ padding: 0.5 });
  private readonly track: L.Polyline;
  private readonly marker: L.CircleMarker;

  constructor(private readonly element: HTMLElement) {
    this.map = L.map(element, {
      center: [20, 0],
      zoom: 2,
      minZoom: 1,
      maxZoom: 8,
      worldCopyJump: false,
      maxBounds: [[-90, -200], [90, 200]],
      preferCanvas: true,
      attributionControl: true,
    });
    this.map.attributionControl.setPrefix(false).addAttribution('Natural Earth (public domain) via world-atlas');
    // Canvas paths take colours as options, not CSS classes: read them from the theme variables.
    const css = getComputedStyle(element);
    const color = (name: string, fallback: string) => css.getPropertyValue(name).trim() || fallback;
    const land = { fillColor: color('--map-land', '#f3efe6'), color: color('--map-border', '#9a9181') };
    const trackColor = color('--map-track', '#d9480f');
    const topology = countries110m as unknown as Topology<{ countries: GeometryCollection }>;
    const countries = basemapCountries(feature(topology, topology.objects.countries));
    L.geoJSON(countries, { interactive: false, style: () => ({ ...land, weight: 0.6, fillOpacity: 1 }) }).addTo(this.map);
    this.track = L.polyline([], { renderer: this.renderer, color: trackColor, weight: 2, interactive: false }).addTo(this.map);
    this.marker = L.circleMarker([0, 0], { renderer: this.renderer, radius: 7, color: '#ffffff', fillColor: trackColor, weight: 2, fillOpacity: 1 });
  }

  /** Draws the track (split at ±180°) and moves the marker to its last point. */
  show(points: readonly LatLon[], follow: boolean): void {
    const segments = splitAtAntimeridian(thin(points, MAX_DRAWN));
    this.track.setLatLngs(segments.map((segment) => segment.map((p) => L.latLng(p.lat, p.lon))));
    // What was drawn, for tests and the curious: no segment may jump more than 180° of longitude.
    let maxStep = 0;
    for (const segment of segments) for (let i = 1; i < segment.length; i++) maxStep = Math.max(maxStep, Math.abs((segment[i]?.lon ?? 0) - (segment[i - 1]?.lon ?? 0)));
    this.element.dataset.segments = String(segments.length);
    this.element.dataset.maxLonStep = maxStep.toFixed(3);
    const last = points.at(-1);
    if (!last) {
      this.marker.remove();
      return;
    }
    this.marker.setLatLng([last.lat, last.lon]);
    if (!this.map.hasLayer(this.marker)) this.marker.addTo(this.map);
    if (follow) this.map.panTo([last.lat, last.lon], { animate: false });
  }

  dispose(): void {
    this.map.remove();
  }
}
