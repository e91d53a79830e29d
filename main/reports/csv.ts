import type { Alert } from '../contract/index.js';

/** RFC 4180: quote every field that needs it; newlines stay inside quotes, so rows never split. */
export function csvField(v: unknown): string {
  const s = v === null || v === undefined ? '' : Array.isArray(v) ? v.join(';') : String(v);
  // a leading = + - @ would be run as a formula by spreadsheet apps: neutralise it
  const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return /[",\r\n]/.test(safe) || safe !== s ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** One CSV record (CRLF-terminated, as RFC 4180 says). */
export function csvRow(values: readonly unknown[]): string {
  return `${values.map(csvField).join(',')}\r\n`;
}

/** The columns of an alert, in the order `vigil alerts export` and every report's alerts.csv use. */
export const ALERT_CSV_COLUMNS: readonly (keyof Alert)[] = [
  'id', 'source', 'severity', 'priority', 'status', 'title', 'rule_id', 'src_ip', 'src_port', 'dst_ip', 'dst_port', 'proto',
  'first_seen', 'last_seen', 'count', 'risk_score', 'technique_ids', 'tags', 'assignee',
];

export function alertCsvRow(a: Alert): string {
  return csvRow(ALERT_CSV_COLUMNS.map((c) => a[c]));
}
