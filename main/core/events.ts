import type { EventName, EventPayload } from '../contract/index.js';

type Listener<E extends EventName> = (payload: EventPayload<E>) => void;

/** Typed in-process bus for contract push events; transports subscribe and forward. */
export class EventBus {
  private readonly listeners = new Map<EventName, Set<(payload: never) => void>>();
  private readonly anyListeners = new Set<(event: EventName, payload: unknown) => void>();

  on<E extends EventName>(event: E, listener: Listener<E>): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(listener as (payload: never) => void);
    return () => set.delete(listener as (payload: never) => void);
  }

  /** Every event, for transports that forward all of them. */
  onAny(listener: (event: EventName, payload: unknown) => void): () => void {
    this.anyListeners.add(listener);
    return () => this.anyListeners.delete(listener);
  }

  emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    for (const l of this.listeners.get(event) ?? []) callSafely(() => (l as Listener<E>)(payload));
    for (const l of this.anyListeners) callSafely(() => l(event, payload));
  }
}

function callSafely(fn: () => void): void {
  try {
    fn();
  } catch (err) {
    // one broken subscriber must not stop the others or the writer that emitted
    console.error('[vigil] event listener failed:', err instanceof Error ? err.message : err);
  }
}
