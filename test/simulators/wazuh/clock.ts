import type { Clock } from '../../../main/connectors/limits.js';

/**
 * Real time plus a virtual offset: sleeps return at once and move the offset forward, so a test
 * that waits out a Retry-After, a token's lifetime or a rate-limit window takes no real time.
 * Give the same clock to the clients and to the simulator.
 */
export function virtualClock(): Clock & { advance(ms: number): void; slept: number[] } {
  let offset = 0;
  const slept: number[] = [];
  return {
    slept,
    now: () => Date.now() + offset,
    advance: (ms) => {
      offset += ms;
    },
    sleep: async (ms, signal) => {
      signal?.throwIfAborted();
      slept.push(ms);
      offset += ms;
      await new Promise((r) => setImmediate(r));
    },
  };
}
