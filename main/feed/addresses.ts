import { ipKey, ipKeyRange, type KeyRange } from '../store/ipkey.js';

/** Client address as a plain string: IPv4-mapped IPv6 (::ffff:10.0.0.5) becomes 10.0.0.5. */
export function normalizeAddress(raw: string | undefined): string {
  if (!raw) return 'unknown';
  const m = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(raw);
  return m ? m[1]! : raw;
}

/** A compiled allow-list of addresses and CIDR blocks. */
export class AllowList {
  private readonly ranges: KeyRange[];

  constructor(specs: readonly string[]) {
    this.ranges = specs.map((s) => ipKeyRange(s)).filter((r): r is KeyRange => r !== null);
  }

  get empty(): boolean {
    return this.ranges.length === 0;
  }

  has(address: string): boolean {
    const k = ipKey(address);
    if (!k) return false;
    return this.ranges.some((r) => k >= r.lo && k <= r.hi);
  }
}
