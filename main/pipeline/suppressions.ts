import type { z } from 'zod';
import { SuppressionMatchShape } from '../contract/index.js';
import { ipKey, ipKeyRange, type KeyRange } from '../store/ipkey.js';
import type { SuppressionsRepo } from '../store/suppressions-repo.js';
import type { SecurityEvent } from './types.js';

/** What a suppression rule matches (every given field must match): the contract's shape, plus checks. */
export const SuppressionMatch = SuppressionMatchShape.refine((m) => Object.keys(m).length > 0, 'a suppression must match at least one field').refine(
  (m) => (m.src_ip === undefined || ipKeyRange(m.src_ip) !== null) && (m.dst_ip === undefined || ipKeyRange(m.dst_ip) !== null),
  'src_ip/dst_ip must be an address or CIDR block',
);
export type SuppressionMatch = z.infer<typeof SuppressionMatch>;

export interface CompiledRule {
  id: number;
  expiresAt: string | null;
  source?: string;
  ruleId?: string;
  src?: KeyRange;
  dst?: KeyRange;
  dstPort?: number;
  title?: string;
}

/** What a rule is compared with: an event, or an alert ("which suppression hid this?"). */
export interface SuppressibleFields {
  source: string;
  rule_id: string | null;
  src_ip: string | null;
  dst_ip: string | null;
  dst_port: number | null;
  title: string;
}

function inRange(ip: string | null, range: KeyRange): boolean {
  const k = ipKey(ip);
  return k !== null && k >= range.lo && k <= range.hi;
}

/** A stored rule's match, compiled for fast comparison; null when it no longer parses. */
export function compileSuppression(id: number, expiresAt: string | null, match: unknown): CompiledRule | null {
  const parsed = SuppressionMatch.safeParse(match);
  if (!parsed.success) return null;
  const m = parsed.data;
  return {
    id,
    expiresAt,
    ...(m.source ? { source: m.source } : {}),
    ...(m.rule_id ? { ruleId: m.rule_id } : {}),
    ...(m.src_ip ? { src: ipKeyRange(m.src_ip)! } : {}),
    ...(m.dst_ip ? { dst: ipKeyRange(m.dst_ip)! } : {}),
    ...(m.dst_port !== undefined ? { dstPort: m.dst_port } : {}),
    ...(m.title_contains ? { title: m.title_contains.toLowerCase() } : {}),
  };
}

/** Whether every field a rule names matches (expiry is the caller's business). */
export function suppressionMatches(r: CompiledRule, e: SuppressibleFields): boolean {
  if (r.source !== undefined && r.source !== e.source) return false;
  if (r.ruleId !== undefined && r.ruleId !== e.rule_id) return false;
  if (r.dstPort !== undefined && r.dstPort !== e.dst_port) return false;
  if (r.src !== undefined && !inRange(e.src_ip, r.src)) return false;
  if (r.dst !== undefined && !inRange(e.dst_ip, r.dst)) return false;
  if (r.title !== undefined && !e.title.toLowerCase().includes(r.title)) return false;
  return true;
}

/**
 * Active suppression rules, compiled once and re-read from SQLite when another process (or the
 * UI) may have changed them. A matching event is stored but raises no alert; the rule counts it.
 */
export class Suppressions {
  private rules: CompiledRule[] = [];
  private loadedAt = 0;

  constructor(
    private readonly repo: Pick<SuppressionsRepo, 'active' | 'countHits'>,
    private readonly now: () => Date,
    private readonly refreshMs = 1000,
  ) {}

  /** Forces the next match to see the current rules. */
  invalidate(): void {
    this.loadedAt = 0;
  }

  refreshIfStale(): void {
    const t = this.now().getTime();
    if (t - this.loadedAt < this.refreshMs) return;
    this.loadedAt = t;
    this.rules = [];
    for (const row of this.repo.active(new Date(t).toISOString())) {
      const rule = compileSuppression(row.id, row.expires_at, JSON.parse(row.match));
      if (rule) this.rules.push(rule);
    }
  }

  get size(): number {
    return this.rules.length;
  }

  /** The id of the first active rule matching the event, or null. */
  match(e: SecurityEvent): number | null {
    if (this.rules.length === 0) return null;
    for (const r of this.rules) {
      if (r.expiresAt !== null && e.ts >= r.expiresAt && this.now().toISOString() >= r.expiresAt) continue;
      if (suppressionMatches(r, e)) return r.id;
    }
    return null;
  }

  countHits(id: number, hits: number, ts: string): void {
    this.repo.countHits(id, hits, ts);
  }
}
