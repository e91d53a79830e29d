import { ContractError } from '../contract/errors.js';
import type { Finding, FindingDetail, FindingFilter, FindingStatus, FindingsListResponse } from '../contract/index.js';
import type { AuditRepo } from '../store/audit-repo.js';
import type { FindingsRepo } from '../store/findings-repo.js';

/** Columns of a findings export (CSV), in order. */
export const FINDING_EXPORT_COLUMNS = [
  'id',
  'source',
  'severity',
  'status',
  'title',
  'host',
  'port',
  'url',
  'cves',
  'cwe_id',
  'cvss',
  'confidence',
  'confidence_score',
  'rule_id',
  'evidence',
  'solution',
  'first_seen',
  'last_seen',
  'target',
  'connector_id',
] as const satisfies readonly (keyof Finding)[];

/** The findings queue: list, detail with audit history, status workflow. */
export class FindingsService {
  constructor(
    private readonly repo: FindingsRepo,
    private readonly audit: AuditRepo,
    private readonly now: () => Date,
    private readonly onChanged: () => void = () => {},
  ) {}

  list(filter: FindingFilter, limit: number, offset: number): FindingsListResponse {
    return this.repo.list(filter, limit, offset);
  }

  /** Open high and critical findings of these hosts, most severe first. */
  forHosts(hosts: readonly string[], limit: number): Finding[] {
    const out: Finding[] = [];
    for (const host of new Set(hosts)) out.push(...this.repo.list({ host, status: ['open'], severity: ['high', 'critical'] }, limit, 0).items);
    const rank = (f: Finding) => (f.severity === 'critical' ? 1 : 0);
    return out.sort((a, b) => rank(b) - rank(a) || (b.cvss ?? 0) - (a.cvss ?? 0)).slice(0, limit);
  }

  detail(id: number): FindingDetail {
    const d = this.repo.get(id);
    if (!d) throw new ContractError('NOT_FOUND', `no finding ${id}`);
    return { ...d, history: this.audit.forTarget('finding', String(id), 'finding.') };
  }

  setStatus(ids: readonly number[], status: FindingStatus, note: string | null, actor: string): { updated: number } {
    const updated = this.repo.setStatus(ids, status, actor, note, this.now().toISOString());
    if (updated) this.onChanged();
    return { updated };
  }

  iterate(filter: FindingFilter): Iterable<Finding> {
    return this.repo.iterate(filter);
  }
}
