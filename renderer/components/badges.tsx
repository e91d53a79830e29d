import type { AlertStatus, Priority, Severity } from '../../main/contract/alerts.js';
import { PRIORITY_LABEL, SEVERITY_LABEL, STATUS_LABEL, riskBand, severityClass, statusClass } from '../lib/domain.js';

/** Severity: colour swatch + text label (never colour alone). */
export function SeverityBadge({ severity }: { severity: Severity }) {
  return (
    <span className={`badge sev-badge ${severityClass(severity)}`}>
      <span className="sev-swatch" aria-hidden="true" />
      {SEVERITY_LABEL[severity]}
    </span>
  );
}

export function StatusBadge({ status }: { status: AlertStatus }) {
  return (
    <span className={`status-badge ${statusClass(status)}`}>
      <span className="status-dot" aria-hidden="true" />
      {STATUS_LABEL[status]}
    </span>
  );
}

export function PriorityBadge({ priority }: { priority: Priority }) {
  return (
    <span className={`prio prio-${priority.toLowerCase()}`} title={PRIORITY_LABEL[priority]}>
      {priority}
    </span>
  );
}

/** 0-100 risk: the number plus a small bar tinted with the matching severity colour. */
export function RiskMeter({ score }: { score: number }) {
  const clamped = Math.max(0, Math.min(100, score));
  return (
    <span className={`risk ${severityClass(riskBand(clamped))}`} title={`Risk score ${clamped} of 100`}>
      <span className="risk-num">{clamped}</span>
      <span className="risk-track" aria-hidden="true">
        <span className="risk-fill" style={{ width: `${clamped}%` }} />
      </span>
    </span>
  );
}
