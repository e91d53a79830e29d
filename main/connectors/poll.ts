import type { Clock } from './limits.js';
import { connectorFailure } from './types.js';

/**
 * Waiting for a scanner to finish something (a ZAP spider or active scan, ZAP's passive backlog,
 * a SpiderFoot scan) by polling it. Two limits, both reported as a `timeout` failure that names
 * what was waited for and where it stood, never as a silent return:
 * - stall: the progress mark (a percentage, a backlog size, an event count) has not changed for
 *   `stallMs`: the scan is probably stuck;
 * - deadline: it is not done after `timeoutMs`, moving or not.
 * Sleeps go through the connector's clock, so tests run on a virtual one.
 */

export interface WaitOptions {
  /** Time between polls (default 2 s). */
  pollMs?: number;
  /** Fail when the progress mark has not changed for this long; null = never. */
  stallMs?: number | null;
  /** Fail when not done after this long; null = never. */
  timeoutMs?: number | null;
  signal?: AbortSignal;
}

export interface PollState<T> {
  done: boolean;
  /** Changes whenever the work moves on (progress, backlog, count). */
  mark: string;
  value: T;
}

export interface WaitResult<T> {
  /** The last poll's value (the one that was done). */
  value: T;
  polls: number;
  waitedMs: number;
}

export interface PollSpec<T> extends WaitOptions {
  /** What is waited for, for messages ("the spider scan 3 on zap-lab"). */
  what: string;
  /** Where it stands, for messages ("40%", "1,200 records left"). */
  describe: (value: T) => string;
  /** Called after every poll (progress reporting). */
  onPoll?: (value: T) => void;
}

export const DEFAULT_POLL_MS = 2_000;

const seconds = (ms: number) => `${Math.round(ms / 1000)} s`;

/** Polls until done; throws a `timeout` ConnectorError on a stall or past the deadline. */
export async function pollUntilDone<T>(poll: () => Promise<PollState<T>>, clock: Clock, spec: PollSpec<T>): Promise<WaitResult<T>> {
  const pollMs = spec.pollMs ?? DEFAULT_POLL_MS;
  const started = clock.now();
  let lastMark: string | null = null;
  let lastChange = started;
  for (let polls = 1; ; polls++) {
    spec.signal?.throwIfAborted();
    const state = await poll();
    spec.onPoll?.(state.value);
    const now = clock.now();
    if (state.done) return { value: state.value, polls, waitedMs: now - started };
    if (state.mark !== lastMark) {
      lastMark = state.mark;
      lastChange = now;
    }
    if (spec.stallMs != null && now - lastChange >= spec.stallMs) {
      throw connectorFailure('timeout', `${spec.what} has not moved for ${seconds(now - lastChange)} (${spec.describe(state.value)}): it looks stuck`);
    }
    if (spec.timeoutMs != null && now - started >= spec.timeoutMs) {
      throw connectorFailure('timeout', `${spec.what} is not done after ${seconds(now - started)} (${spec.describe(state.value)})`);
    }
    await clock.sleep(pollMs, spec.signal);
  }
}
