/**
 * Which hosts have open high or critical scan findings: an in-memory index the score stage asks
 * once per event (a Map lookup). It is loaded from the findings table, again after `invalidate()`
 * (an import or a status change in this process) and at most `ttlMs` after the last load (imports
 * and status changes made by another process).
 */

export interface ExposedFindingRow {
  id: number;
  host: string;
  title: string;
  severity: 'high' | 'critical' | string;
  cves: string[];
}

export interface HostExposure {
  high: number;
  critical: number;
  /** The most severe finding: its CVE (or title) names the term. */
  example: string;
  /** Finding ids, most severe first (the alert detail lists them). */
  ids: number[];
}

export class ExposureIndex {
  private hosts = new Map<string, HostExposure>();
  private loadedAt = -Infinity;

  constructor(
    private readonly load: () => readonly ExposedFindingRow[],
    private readonly opts: { ttlMs?: number; now?: () => number } = {},
  ) {}

  invalidate(): void {
    this.loadedAt = -Infinity;
  }

  private fresh(): Map<string, HostExposure> {
    const now = (this.opts.now ?? Date.now)();
    if (now - this.loadedAt < (this.opts.ttlMs ?? 30_000)) return this.hosts;
    const hosts = new Map<string, HostExposure>();
    for (const f of this.load()) {
      let h = hosts.get(f.host);
      if (!h) {
        h = { high: 0, critical: 0, example: f.cves[0] ?? f.title, ids: [] };
        hosts.set(f.host, h);
      }
      if (f.severity === 'critical') h.critical++;
      else h.high++;
      h.ids.push(f.id);
    }
    this.hosts = hosts;
    this.loadedAt = now;
    return hosts;
  }

  /** The open high/critical findings of a host, or undefined when it has none. */
  lookup(host: string): HostExposure | undefined {
    return this.fresh().get(host);
  }

  /** Hosts in the index (figures, tests). */
  get size(): number {
    return this.fresh().size;
  }
}
