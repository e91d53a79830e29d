/**
 * Display metadata for the contract's enums. The renderer imports the contract as types only
 * (no zod in the bundle), so the lists are repeated here; the `Exhaustive` checks below make
 * the build fail if the contract gains a value these lists do not cover.
 */
import type { AlertStatus, Priority, Severity } from '../../main/contract/alerts.js';

type Exhaustive<T extends never> = T;

/** Most severe first: the order chips and legends use. */
export const SEVERITY_ORDER = ['critical', 'high', 'medium', 'low', 'info'] as const satisfies readonly Severity[];
export type SeverityOrderCheck = Exhaustive<Exclude<Severity, (typeof SEVERITY_ORDER)[number]>>;

export const SEVERITY_LABEL: Record<Severity, string> = {
  critical: 'Critical',
  high: 'High',
  medium: 'Medium',
  low: 'Low',
  info: 'Info',
};

export const STATUS_ORDER = [
  'NEW',
  'ACKNOWLEDGED',
  'INVESTIGATING',
  'SUPPRESSED',
  'RESOLVED',
  'FALSE_POSITIVE',
] as const satisfies readonly AlertStatus[];
export type StatusOrderCheck = Exhaustive<Exclude<AlertStatus, (typeof STATUS_ORDER)[number]>>;

export const STATUS_LABEL: Record<AlertStatus, string> = {
  NEW: 'New',
  ACKNOWLEDGED: 'Acknowledged',
  INVESTIGATING: 'Investigating',
  SUPPRESSED: 'Suppressed',
  RESOLVED: 'Resolved',
  FALSE_POSITIVE: 'False positive',
};

export const PRIORITY_LABEL: Record<Priority, string> = {
  P1: 'Priority 1 (urgent)',
  P2: 'Priority 2 (high)',
  P3: 'Priority 3 (normal)',
  P4: 'Priority 4 (low)',
};

/** CSS class suffixes; colours live once in styles/tokens.css (--sev-*, --status-*). */
export function severityClass(s: Severity): string {
  return `sev-${s}`;
}
export function statusClass(s: AlertStatus): string {
  return `status-${s.toLowerCase().replace('_', '-')}`;
}

export function riskBand(score: number): Severity {
  if (score >= 90) return 'critical';
  if (score >= 70) return 'high';
  if (score >= 40) return 'medium';
  if (score >= 15) return 'low';
  return 'info';
}
