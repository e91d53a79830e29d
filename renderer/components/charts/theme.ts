import { useMemo } from 'react';
import type { Severity } from '../../../main/contract/alerts.js';
import { useSettings } from '../../stores/settings.js';

/** Colours and fonts of the current theme, read from the CSS variables in styles/tokens.css. */
export interface ChartTheme {
  mode: 'dark' | 'light';
  text: string;
  textMuted: string;
  textFaint: string;
  border: string;
  borderSubtle: string;
  borderStrong: string;
  surface: string;
  surface2: string;
  surface3: string;
  accent: string;
  /** Ring drawn around light-on-light marks (transparent in the dark theme). */
  swatchRing: string;
  fontSans: string;
  fontMono: string;
  sev: Record<Severity, string>;
}

function cssVar(style: CSSStyleDeclaration, name: string, fallback: string): string {
  const v = style.getPropertyValue(name).trim();
  return v || fallback;
}

export function readChartTheme(mode: 'dark' | 'light'): ChartTheme {
  const style = getComputedStyle(document.documentElement);
  const v = (n: string, f: string) => cssVar(style, n, f);
  return {
    mode,
    text: v('--text', '#e3e7ee'),
    textMuted: v('--text-muted', '#99a2b2'),
    textFaint: v('--text-faint', '#6b7485'),
    border: v('--border', '#1f2530'),
    borderSubtle: v('--border-subtle', '#181d26'),
    borderStrong: v('--border-strong', '#2b3240'),
    surface: v('--surface', '#11151c'),
    surface2: v('--surface-2', '#171c25'),
    surface3: v('--surface-3', '#1e2430'),
    accent: v('--accent', '#7ea6ff'),
    swatchRing: v('--swatch-ring', 'rgba(0,0,0,0)'),
    fontSans: v('--font-sans', 'Inter, system-ui, sans-serif'),
    fontMono: v('--font-mono', 'monospace'),
    sev: {
      critical: v('--sev-critical', '#d55e00'),
      high: v('--sev-high', '#e69f00'),
      medium: v('--sev-medium', '#f0e442'),
      low: v('--sev-low', '#56b4e9'),
      info: v('--sev-info', '#999999'),
    },
  };
}

/** The chart theme; recomputed when the app theme changes (charts then re-apply their option). */
export function useChartTheme(): ChartTheme {
  const mode = useSettings((s) => s.theme);
  // The data-theme attribute is set by a store subscriber before React re-renders.
  return useMemo(() => readChartTheme(mode), [mode]);
}

/** Shared tooltip look (matches the app's popovers). */
export function tooltipStyle(t: ChartTheme) {
  return {
    backgroundColor: t.surface2,
    borderColor: t.borderStrong,
    borderWidth: 1,
    padding: [8, 10] as [number, number],
    textStyle: { color: t.text, fontFamily: t.fontSans, fontSize: 12 },
    extraCssText: `border-radius:6px;box-shadow:0 8px 24px rgba(0,0,0,${t.mode === 'dark' ? 0.45 : 0.12});`,
  };
}

/** HTML-escapes text placed into a tooltip formatter. */
export function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

function parseColor(c: string): [number, number, number] | null {
  const hex = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(c.trim());
  if (hex) {
    const h = hex[1]!;
    const full = h.length === 3 ? h.replace(/./g, (x) => x + x) : h;
    return [parseInt(full.slice(0, 2), 16), parseInt(full.slice(2, 4), 16), parseInt(full.slice(4, 6), 16)];
  }
  const rgb = /^rgba?\(\s*(\d+)[ ,]+(\d+)[ ,]+(\d+)/i.exec(c.trim());
  return rgb ? [Number(rgb[1]), Number(rgb[2]), Number(rgb[3])] : null;
}

/** Mixes two colours (`amount` of `a`, the rest `b`) into an rgb() string for canvas use. */
export function mix(a: string, b: string, amount: number): string {
  const ca = parseColor(a);
  const cb = parseColor(b);
  if (!ca || !cb) return a;
  const k = Math.max(0, Math.min(1, amount));
  const ch = (i: number) => Math.round(ca[i]! * k + cb[i]! * (1 - k));
  return `rgb(${ch(0)}, ${ch(1)}, ${ch(2)})`;
}
