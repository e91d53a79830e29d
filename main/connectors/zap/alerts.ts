import { z } from 'zod';
import type { FindingConfidence, ScanFinding } from '../../contract/connectors.js';
import type { Severity } from '../../contract/alerts.js';
import { blankAsset, findingKey, textOrNull } from '../findings.js';

/**
 * ZAP's alerts as its API sends them (zaproxy AlertAPI.alertToSet): every value a string, ids
 * and CWE/WASC numbers included, `tags` a name→URL map. Parsed with zod so a changed field
 * shows up as a counted, logged malformed alert instead of a wrong finding.
 */

/**
 * A whole number ZAP sends as a string ("57"); a JSON number is accepted too, because a few views
 * (alertsSummary) send ints.
 */
export const zapInt = z.union([z.string().trim().regex(/^-?\d+$/, 'a whole number'), z.number().int()]).transform(Number);

export const ZAP_RISKS = ['Informational', 'Low', 'Medium', 'High'] as const;
export const ZAP_CONFIDENCES = ['False Positive', 'Low', 'Medium', 'High', 'Confirmed'] as const;

const text = z.string().default('');

export const ZapAlert = z
  .object({
    id: z.string().regex(/^\d+$/, 'an alert id'),
    pluginId: z.string().default(''),
    /** `pluginId` or `pluginId-n` for rules that raise several alert kinds (ZAP >= 2.9). */
    alertRef: text,
    name: text,
    /** The name under its pre-2.5 key; ZAP still sends both. */
    alert: text,
    risk: z.enum(ZAP_RISKS),
    confidence: z.enum(ZAP_CONFIDENCES),
    url: z.string(),
    method: text,
    param: text,
    attack: text,
    evidence: text,
    other: text,
    description: text,
    solution: text,
    /** Newline-separated URLs. */
    reference: text,
    /** "-1" or "0" when the rule gives none. */
    cweid: zapInt.default(-1),
    wascid: zapInt.default(-1),
    sourceid: text,
    messageId: text,
    inputVector: text,
    tags: z.record(z.string(), z.string()).default({}),
  })
  .passthrough();
export type ZapAlert = z.infer<typeof ZapAlert>;

/** reference/connectors.md §8: riskId 0..3 = info, low, medium, high (ZAP has no critical). */
export const ZAP_SEVERITY: Record<(typeof ZAP_RISKS)[number], Severity> = {
  Informational: 'info',
  Low: 'low',
  Medium: 'medium',
  High: 'high',
};

export const ZAP_CONFIDENCE: Record<(typeof ZAP_CONFIDENCES)[number], FindingConfidence> = {
  'False Positive': 'false_positive',
  Low: 'low',
  Medium: 'medium',
  High: 'high',
  Confirmed: 'confirmed',
};

/** riskId for a console severity (the alert views' `riskId` filter). */
export function zapRiskId(severity: Exclude<Severity, 'critical'>): number {
  return ['info', 'low', 'medium', 'high'].indexOf(severity);
}

const positiveOrNull = (n: number) => (n > 0 ? n : null);

function location(url: string): Pick<ScanFinding['asset'], 'host' | 'port' | 'protocol'> {
  try {
    const u = new URL(url);
    const protocol = u.protocol.replace(/:$/, '');
    const port = u.port ? Number(u.port) : protocol === 'https' ? 443 : protocol === 'http' ? 80 : null;
    return { host: u.hostname.replace(/^\[|\]$/g, ''), port, protocol };
  } catch {
    return { host: null, port: null, protocol: null };
  }
}

/**
 * A ZAP alert as a finding. The key is a digest of what makes the alert (rule, method, URL,
 * parameter, attack, evidence), not ZAP's alert id: ids restart with every ZAP session, and the
 * same alert found again in a later scan must land on the same finding.
 */
export function zapAlertToFinding(alert: ZapAlert): ScanFinding {
  const rule = alert.alertRef || alert.pluginId;
  return {
    source: 'zap',
    key: findingKey('zap', [rule, alert.method, alert.url, alert.param, alert.attack, alert.evidence]),
    ruleId: rule,
    title: alert.name || alert.alert || `ZAP rule ${rule}`,
    severity: ZAP_SEVERITY[alert.risk],
    severityRaw: alert.risk,
    confidence: ZAP_CONFIDENCE[alert.confidence],
    confidenceScore: null,
    cvss: null,
    cves: [],
    cweId: positiveOrNull(alert.cweid),
    wascId: positiveOrNull(alert.wascid),
    asset: { ...blankAsset(), url: alert.url, method: textOrNull(alert.method), param: textOrNull(alert.param), ...location(alert.url) },
    evidence: textOrNull(alert.evidence),
    description: alert.description.trim(),
    solution: textOrNull(alert.solution),
    references: alert.reference
      .split(/\r?\n/)
      .map((r) => r.trim())
      .filter(Boolean),
    observedAt: null,
    raw: alert,
  };
}
