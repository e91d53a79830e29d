/**
 * Seeded pseudo-random numbers for the scenario simulator (mulberry32: tiny, fast, good enough
 * for realistic-looking traffic). Nothing in the simulator may use Math.random: the same seed
 * must give the same records.
 */
export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Uniform in [0, 1). */
  float(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Uniform 32-bit unsigned integer. */
  u32(): number {
    return Math.floor(this.float() * 4294967296) >>> 0;
  }

  /** Integer in [min, max] (both inclusive). */
  int(min: number, max: number): number {
    return min + Math.floor(this.float() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.float() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('Rng.pick on an empty list');
    return items[Math.floor(this.float() * items.length)] as T;
  }

  /** Pick by weight; entries are [value, weight]. */
  weighted<T>(entries: readonly (readonly [T, number])[]): T {
    let total = 0;
    for (const [, w] of entries) total += w;
    let r = this.float() * total;
    for (const [v, w] of entries) {
      r -= w;
      if (r < 0) return v;
    }
    const last = entries[entries.length - 1];
    if (!last) throw new Error('Rng.weighted on an empty list');
    return last[0];
  }

  /** Index in [0, n) skewed towards 0 (a few heavy hitters, a long tail). */
  skewedIndex(n: number, power = 2.5): number {
    return Math.min(n - 1, Math.floor(Math.pow(this.float(), power) * n));
  }

  /** Fisher-Yates copy. */
  shuffle<T>(items: readonly T[]): T[] {
    const out = items.slice();
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(this.float() * (i + 1));
      const a = out[i] as T;
      out[i] = out[j] as T;
      out[j] = a;
    }
    return out;
  }

  hex(chars: number): string {
    let s = '';
    while (s.length < chars) s += this.u32().toString(16).padStart(8, '0');
    return s.slice(0, chars);
  }

  /** Lower-case base32 (RFC 4648 alphabet), as DNS tunnelling tools encode payloads. */
  base32(chars: number): string {
    const alphabet = 'abcdefghijklmnopqrstuvwxyz234567';
    let s = '';
    for (let i = 0; i < chars; i++) s += alphabet[Math.floor(this.float() * 32)];
    return s;
  }

  /** Ephemeral source port (Linux default range 32768-60999, Windows 49152-65535). */
  ephemeralPort(): number {
    return this.chance(0.5) ? this.int(32768, 60999) : this.int(49152, 65535);
  }
}

/** Mix a seed into a well-spread 32-bit value (splitmix-style finaliser). */
export function mixSeed(seed: number): number {
  let z = (seed >>> 0) + 0x9e3779b9;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}
