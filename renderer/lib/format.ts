const numberFmt = new Intl.NumberFormat(undefined);

/** Where the console shows times: the computer's zone or UTC (Settings → Time zone). */
export type DisplayZone = 'local' | 'utc';

let zone: DisplayZone = 'local';
let formats = buildFormats('local');

function buildFormats(z: DisplayZone) {
  const tz = z === 'utc' ? { timeZone: 'UTC' } : {};
  return {
    dateTime: new Intl.DateTimeFormat(undefined, { month: 'short', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23', ...tz }),
    full: new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium', ...tz }),
    minutes: new Intl.DateTimeFormat(undefined, { month: 'short', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', ...tz }),
    timeOfDay: new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23', ...tz }),
    day: new Intl.DateTimeFormat(undefined, { month: 'short', day: '2-digit', ...tz }),
    dayKey: new Intl.DateTimeFormat('en-CA', { year: 'numeric', month: '2-digit', day: '2-digit', ...tz }),
  };
}

/** Sets the zone every time formatter uses (the settings store calls it). */
export function setDisplayZone(z: DisplayZone): void {
  if (z === zone) return;
  zone = z;
  formats = buildFormats(z);
}

export function displayZone(): DisplayZone {
  return zone;
}

let zoneNameFmt: Intl.DateTimeFormat | null = null;

/** The zone's short name as times are shown: "UTC", or the computer's ("CET", "GMT+2"). */
export function zoneLabel(at: Date = new Date()): string {
  if (zone === 'utc') return 'UTC';
  // built once, like the time formats: a formatter costs about 1 ms to make, and the grid's
  // header asks for the label on every render
  zoneNameFmt ??= new Intl.DateTimeFormat(undefined, { timeZoneName: 'short' });
  const part = zoneNameFmt.formatToParts(at).find((p) => p.type === 'timeZoneName');
  return part?.value ?? 'local';
}

/** The computer's own zone, by name ("Europe/Paris"). */
export function localZoneName(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'local time';
}

export function formatCount(n: number): string {
  return numberFmt.format(n);
}

function valid(iso: string): Date | null {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** Compact time in the display zone ("Nov 21, 13:04:05"). Pair with `utcTitle` for the exact value. */
export function formatLocalTime(iso: string): string {
  const d = valid(iso);
  return d ? formats.dateTime.format(d) : iso;
}

/** Full date and time in the display zone, with the zone ("Nov 21, 2026, 13:04:05 CET"). */
export function formatLocalFull(iso: string): string {
  const d = valid(iso);
  return d ? `${formats.full.format(d)} ${zoneLabel(d)}` : iso;
}

/** Date and minutes in the display zone ("Nov 21, 13:04"). */
export function formatMinutes(iso: string): string {
  const d = valid(iso);
  return d ? formats.minutes.format(d) : iso;
}

/** "13:32:09" when on the same day as `now` (in the display zone), else "Nov 21". */
export function formatShortWhen(iso: string, now: Date = new Date()): string {
  const d = valid(iso);
  if (!d) return iso;
  return formats.dayKey.format(d) === formats.dayKey.format(now) ? formats.timeOfDay.format(d) : formats.day.format(d);
}

/** Tooltip text for a timestamp: the exact UTC value, and the local one when times are shown in UTC. */
export function utcTitle(iso: string): string {
  const d = valid(iso);
  if (!d) return iso;
  return `${d.toISOString()} (UTC)`;
}

export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '—';
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = bytes / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v >= 100 ? v.toFixed(0) : v.toFixed(1)} ${units[i]}`;
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '—';
  const s = Math.floor(seconds);
  const d = Math.floor(s / 86_400);
  const h = Math.floor((s % 86_400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  if (d > 0) return `${d}d ${h}h ${m}m`;
  if (h > 0) return `${h}h ${m}m`;
  if (m > 0) return `${m}m ${sec}s`;
  return `${sec}s`;
}

/** "10.0.0.5:443" / "10.0.0.5" / "[2001:db8::1]:443" / null. */
export function formatEndpoint(ip: string | null, port: number | null): string | null {
  if (!ip) return null;
  if (port === null) return ip;
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
}

/** How long ago: "just now", "42 s ago", "5 min ago", "3 h ago", "2 d ago"; "never" for null. */
export function formatAgo(iso: string | null, now = Date.now()): string {
  if (!iso) return 'never';
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  const s = Math.max(0, Math.round((now - t) / 1000));
  if (s < 5) return 'just now';
  if (s < 90) return `${s} s ago`;
  if (s < 5400) return `${Math.round(s / 60)} min ago`;
  if (s < 48 * 3600) return `${Math.round(s / 3600)} h ago`;
  return `${Math.round(s / 86_400)} d ago`;
}

/**
 * A time as an `<input type="datetime-local">` value, in local time: "2026-11-21T13:05", or with
 * `seconds` "2026-11-21T13:05:09"; '' for an unreadable time.
 */
export function localInputValue(ms: number, seconds = false): string {
  const d = new Date(ms);
  if (Number.isNaN(d.getTime())) return '';
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}${seconds ? `:${pad(d.getSeconds())}` : ''}`;
}
