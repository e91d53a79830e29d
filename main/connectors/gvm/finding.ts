import type { ScanFinding } from '../../contract/connectors.js';
import { blankAsset, findingKey, textOrNull } from '../findings.js';
import type { GmpResult } from './model.js';
import { consoleSeverity } from './severity.js';

/** `CWE-79` in an NVT's refs or tags → 79. */
function cweOf(r: GmpResult): number | null {
  const ref = r.nvt.refs.find((x) => x.type === 'cwe' || /^CWE-\d+$/i.test(x.id));
  const m = /(\d+)/.exec(ref?.id ?? '');
  const n = m ? Number(m[1]) : NaN;
  return Number.isInteger(n) && n > 0 ? n : null;
}

/**
 * A GMP result as a finding, or null for the results that are not findings (gvmd's false
 * positive, debug and error scores). The key is the NVT OID + host + port: result ids are new in
 * every report, and the same vulnerability on the same service found by the next run of the task
 * must land on the same finding (its status, e.g. false positive, belongs to that identity).
 * Severity comes from the score (connectors.md §8: log = info), never from `<threat>`.
 */
export function gmpResultToFinding(r: GmpResult): ScanFinding | null {
  const severity = consoleSeverity(r.severityBucket);
  if (!severity) return null;
  const t = r.nvt.tags;
  const description = [t.summary, r.description.trim() ? `Detection result: ${r.description.trim()}` : '', t.insight ? `Insight: ${t.insight}` : '', t.impact ? `Impact: ${t.impact}` : '']
    .filter(Boolean)
    .join('\n\n');
  return {
    source: 'gvm',
    key: findingKey('gvm', [r.nvt.oid, r.host.ip, r.port.raw]),
    ruleId: r.nvt.oid,
    title: r.name || r.nvt.name || r.nvt.oid,
    severity,
    severityRaw: r.severity.toFixed(1),
    confidence: null,
    confidenceScore: r.qod.value,
    cvss: r.nvt.cvssBase ?? (r.severity >= 0 ? r.severity : null),
    cves: r.nvt.cves,
    cweId: cweOf(r),
    wascId: null,
    asset: { ...blankAsset(), host: r.host.ip, port: r.port.number, protocol: r.port.protocol },
    evidence: textOrNull(r.description),
    description,
    solution: textOrNull(r.nvt.solution?.text),
    references: r.nvt.refs.filter((x) => x.type === 'url').map((x) => x.id),
    observedAt: r.modificationTime ?? r.creationTime,
    raw: r,
  };
}
