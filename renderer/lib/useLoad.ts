import { useCallback, useEffect, useState, type DependencyList } from 'react';
import { ApiError } from '../api/index.js';

/** A load's state: waiting, answered, or failed with the contract's error. */
export type Loaded<T> = { status: 'loading' } | { status: 'ready'; value: T } | { status: 'error'; error: ApiError };

/**
 * What `load` answers, asked when the component mounts, again whenever `deps` change, and on
 * `retry()` (a "Try again" button). Each time starts from `loading`. An answer that comes after the
 * deps changed or the component left is dropped. `load` gets a signal aborted at that moment: a load
 * of several calls in turn checks it before each next call, so a page left asks no more
 * (`signal.throwIfAborted()`). `channel` names the call in an error a transport threw.
 */
export function useLoad<T>(channel: string, load: (signal: AbortSignal) => Promise<T>, deps: DependencyList): { load: Loaded<T>; retry: () => void } {
  const [state, setState] = useState<Loaded<T>>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    const left = new AbortController();
    setState({ status: 'loading' });
    load(left.signal).then(
      (value) => !left.signal.aborted && setState({ status: 'ready', value }),
      (err: unknown) => !left.signal.aborted && setState({ status: 'error', error: ApiError.from(err, channel) }),
    );
    return () => left.abort();
    // the caller's deps, and each retry
  }, [...deps, attempt]);
  return { load: state, retry: useCallback(() => setAttempt((n) => n + 1), []) };
}
