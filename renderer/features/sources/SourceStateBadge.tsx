import { SOURCE_STATE_HELP, SOURCE_STATE_LABEL, stateClass, type SourceStateKey } from './sourceState.js';

/** Live state of a source: dot + text label (never colour alone); `label` replaces the plain label (a countdown). */
export function SourceStateBadge({ state, note, label }: { state: SourceStateKey; note?: string | null; label?: string }) {
  return (
    <span className={stateClass(state)} title={note ? `${SOURCE_STATE_HELP[state]}: ${note}` : SOURCE_STATE_HELP[state]} data-state={state}>
      <span className="src-state-dot" aria-hidden="true" />
      {label ?? SOURCE_STATE_LABEL[state]}
    </span>
  );
}
