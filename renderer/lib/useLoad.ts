import { useCallback, useEffect, useRef, useState, type DependencyList } from 'react';
import { ApiError } from '../api/index.js';

/** A load's state: waiting, answered, or failed with the contract's error. */
export type Loaded<T> = { status: 'loading' } | { status: 'ready'; value: T } | { status: 'error'; error: ApiError };

/**
 * What `load` answers, asked when the component mounts, again whenever `deps` change, and on
 * `retry()` (a "Try again" button). Each time starts from `loading`, unless `keepUntil` is given:
 * then a reload keeps the last answer on screen (`refreshing` says one is under way) and starts from
 * `loading` only when `keepUntil` changes (a different alert, not a wider window of the same one).
 * An answer that comes after the deps changed or the component left is dropped. `load` gets a
 * signal aborted at that moment: a load of several calls in turn checks it before each next call,
 * so a page left asks no more (`signal.throwIfAborted()`). `channel` names the call in an error a
 * transport threw.
 */
export function useLoad<T>(
  channel: string,
  load: (signal: AbortSignal) => Promise<T>,
  deps: DependencyList,
  opts: { keepUntil?: unknown } = {},
): { load: Loaded<T>; retry: () => void; refreshing: boolean } {
  const [state, setState] = useState<Loaded<T>>({ status: 'loading' });
  const [refreshing, setRefreshing] = useState(false);
  const [attempt, setAttempt] = useState(0);
  const keeps = 'keepUntil' in opts;
  const kept = useRef<{ key: unknown } | null>(null);
  useEffect(() => {
    const left = new AbortController();
    if (!keeps || !kept.current || kept.current.key !== opts.keepUntil) setState({ status: 'loading' });
    kept.current = { key: opts.keepUntil };
    setRefreshing(true);
    const settle = (next: Loaded<T>) => {
      if (left.signal.aborted) return;
      setState(next);
      setRefreshing(false);
    };
    load(left.signal).then(
      (value) => settle({ status: 'ready', value }),
      (err: unknown) => settle({ status: 'error', error: ApiError.from(err, channel) }),
    );
    return () => left.abort();
    // the caller's deps, and each retry
  }, [...deps, attempt]);
  return { load: state, retry: useCallback(() => setAttempt((n) => n + 1), []), refreshing };
}
