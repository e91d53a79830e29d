import { Dialog } from '../../components/Dialog.js';
import { useSettings } from '../../stores/settings.js';
import { useTriage } from '../../stores/triage.js';

interface Shortcut {
  keys: string[];
  /** Keys pressed together (shown joined with +) instead of alternatives. */
  combo?: boolean;
  what: string;
}

const MOVE: Shortcut[] = [
  { keys: ['j', '↓'], what: 'Next alert' },
  { keys: ['k', '↑'], what: 'Previous alert' },
  { keys: ['PgDn', 'PgUp'], what: 'Page down / up' },
  { keys: ['Home', 'End'], what: 'First / last loaded alert' },
  { keys: ['Enter'], what: 'Open the alert’s detail' },
  { keys: ['Esc'], what: 'Close the detail (or clear the selection)' },
  { keys: ['/'], what: 'Search' },
  { keys: ['?'], what: 'This cheat sheet' },
];

function triageKeys(noteOnClose: boolean): Shortcut[] {
  const close = noteOnClose ? 'asks for a note (required)' : 'offers a note';
  return [
    { keys: ['a'], what: 'Acknowledge at once' },
    { keys: ['Shift', 'A'], combo: true, what: 'Acknowledge with a note' },
    { keys: ['i'], what: 'Investigating (Shift+I with a note)' },
    { keys: ['r'], what: `Resolve — ${close}` },
    { keys: ['f'], what: `False positive — ${close}` },
    { keys: ['s'], what: 'Suppress similar alerts…' },
    { keys: ['n'], what: 'Add a note (no status change)' },
    { keys: ['t'], what: 'Tag the alert, or the selected rows' },
    { keys: ['x', 'Space'], what: 'Select / unselect the row' },
    { keys: ['e'], what: 'Escalate the selection (or this alert) to a case…' },
    { keys: ['Shift', 'click'], combo: true, what: 'Select a range' },
    { keys: ['Ctrl', 'Enter'], combo: true, what: 'Confirm a dialog' },
  ];
}

function Keys({ s }: { s: Shortcut }) {
  return (
    <span className="kb-help-keys">
      {s.keys.map((k, i) => (
        <span key={k}>
          {i > 0 ? <span className="faint">{s.combo ? '+' : ' / '}</span> : null}
          <kbd>{k}</kbd>
        </span>
      ))}
    </span>
  );
}

function Section({ title, items }: { title: string; items: Shortcut[] }) {
  return (
    <section className="kb-help-section" aria-label={title}>
      <h3 className="kb-help-title">{title}</h3>
      <dl className="kb-help-list">
        {items.map((s) => (
          <div key={s.what} className="kb-help-item">
            <dt>
              <Keys s={s} />
            </dt>
            <dd>{s.what}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}

/** The keyboard cheat sheet (`?`). */
export function HelpDialog() {
  const close = useTriage((s) => s.closeDialog);
  const noteOnClose = useSettings((s) => s.settings?.requireNoteOnClose ?? true);
  return (
    <Dialog
      title="Keyboard shortcuts"
      description="Single keys, no modifiers; ignored while you type in a field."
      onClose={close}
      size="lg"
      testId="shortcut-help"
      footer={
        <>
          <span className="ui-foot-hint">
            With rows selected, a i r f s act on the selection, never on the cursor row. Every change offers Undo for a few seconds.
          </span>
          <button type="button" className="button primary" onClick={close}>
            Got it
          </button>
        </>
      }
    >
      <div className="kb-help-grid">
        <Section title="Move" items={MOVE} />
        <Section title="Triage" items={triageKeys(noteOnClose)} />
      </div>
    </Dialog>
  );
}
