import { formatCount, formatDuration } from '../../lib/format.js';

/** "just now", "42 s ago", "5 min ago", "3 h ago", "2 d ago"; "never" for null. */
export function formatRelative(iso: string | null, now = Date.now()): string {
  if (!iso) return 'never';
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  const s = Math.round((now - t) / 1000);
  if (s < 0) return 'just now';
  if (s < 5) return 'just now';
  if (s < 60) return `${s} s ago`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ago`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h} h ago`;
  return `${Math.floor(h / 24)} d ago`;
}

/** Events per second: one decimal below 100, grouped digits above. */
export function formatRate(n: number): string {
  if (!Number.isFinite(n)) return '—';
  if (n === 0) return '0';
  if (n < 10) return n.toFixed(1);
  if (n < 100) return n.toFixed(1).replace(/\.0$/, '');
  return formatCount(Math.round(n));
}

/** A human duration for MTTA/MTTR; "—" when there is none. */
export function formatHumanDuration(seconds: number | null): string {
  return seconds === null ? '—' : formatDuration(seconds);
}

/** Milliseconds with sensible precision. */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return '—';
  if (ms < 1) return ms.toFixed(2);
  if (ms < 10) return ms.toFixed(1);
  return formatCount(Math.round(ms));
}

/** Compact count: 1.2k, 34k, 1.5M. */
export function formatCompact(n: number): string {
  if (n < 1000) return formatCount(n);
  if (n < 1_000_000) return `${(n / 1000).toFixed(n < 10_000 ? 1 : 0).replace(/\.0$/, '')}k`;
  return `${(n / 1_000_000).toFixed(1).replace(/\.0$/, '')}M`;
}

/** Width of a trend bucket: "30 s", "1 min", "30 min", "3 h", "1 d"; irregular widths in full. */
export function formatBucket(seconds: number): string {
  if (seconds % 86_400 === 0) return `${seconds / 86_400} d`;
  if (seconds % 3600 === 0) return `${seconds / 3600} h`;
  if (seconds % 60 === 0) return `${seconds / 60} min`;
  if (seconds < 60) return `${seconds} s`;
  return formatDuration(seconds);
}
