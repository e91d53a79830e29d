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

/** An alert's CSV column: its fields, with the agent as two flat columns. */
export type AlertCsvColumn = Exclude<keyof Alert, 'agent'> | 'agent_id' | 'agent_name';

/** The columns of an alert, in the order `vigil alerts export` and every report's alerts.csv use. */
export const ALERT_CSV_COLUMNS: readonly AlertCsvColumn[] = [
  'id', 'source', 'severity', 'priority', 'status', 'title', 'rule_id', 'src_ip', 'src_port', 'dst_ip', 'dst_port', 'proto',
  'first_seen', 'last_seen', 'count', 'risk_score', 'technique_ids', 'tags', 'assignee', 'agent_id', 'agent_name', 'user', 'host', 'sensor',
];

/** The value of one CSV column of an alert. */
export function alertCell(a: Alert, c: AlertCsvColumn): unknown {
  if (c === 'agent_id') return a.agent?.id;
  if (c === 'agent_name') return a.agent?.name;
  return a[c];
}

/** An alert's values in ALERT_CSV_COLUMNS order. */
export function alertCsvValues(a: Alert): unknown[] {
  return ALERT_CSV_COLUMNS.map((c) => alertCell(a, c));
}

export function alertCsvRow(a: Alert): string {
  return csvRow(alertCsvValues(a));
}
