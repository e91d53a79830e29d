import crypto from 'node:crypto';
import { ScanFinding, type FindingSource } from '../contract/connectors.js';
import { connectorFailure } from './types.js';

/**
 * What every scanner's mapping to the tool-neutral ScanFinding (contract) shares: a stable key
 * for findings that have no stable id of their own, the empty asset, and the final check of a
 * mapped finding against the contract's schema.
 */

/** `source:` + SHA-1 of the parts, for findings identified by their content (ZAP alerts). */
export function findingKey(source: FindingSource, parts: readonly (string | number | null | undefined)[]): string {
  const h = crypto.createHash('sha1');
  for (const p of parts) h.update(`${p ?? ''}\u0000`);
  return `${source}:${h.digest('hex')}`;
}

/** An asset with every part unknown; mappings fill in what their tool has. */
export function blankAsset(): ScanFinding['asset'] {
  return { url: null, method: null, param: null, host: null, port: null, protocol: null };
}

/** Non-empty trimmed text, or null. */
export function textOrNull(s: string | null | undefined): string | null {
  const t = s?.trim();
  return t ? t : null;
}

/** A mapped finding checked against the contract (a mapping bug fails loudly, naming the field). */
export function checkedFinding(finding: ScanFinding): ScanFinding {
  const parsed = ScanFinding.safeParse(finding);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  throw connectorFailure('bad_response', `a ${finding.source} finding does not fit the finding schema: ${issue.path.join('.')}: ${issue.message}`);
}

export interface MappedFindings<T> {
  findings: ScanFinding[];
  /** Records that could not be mapped, with the reason (counted and kept, never dropped unseen). */
  rejected: { record: T; reason: string }[];
}

/** Maps a batch; a record that does not map is set aside with its reason, the rest go on. */
export function mapFindings<T>(records: readonly T[], map: (record: T) => ScanFinding | null): MappedFindings<T> {
  const out: MappedFindings<T> = { findings: [], rejected: [] };
  for (const record of records) {
    try {
      const f = map(record);
      if (f) out.findings.push(checkedFinding(f));
    } catch (err) {
      out.rejected.push({ record, reason: err instanceof Error ? err.message : String(err) });
    }
  }
  return out;
}
