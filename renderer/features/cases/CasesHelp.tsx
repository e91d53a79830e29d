import { Dialog } from '../../components/Dialog.js';

const LIST = [
  ['j / k', 'Next / previous case'],
  ['Enter', 'Open the case'],
  ['n', 'New case'],
  ['/', 'Search'],
  ['p', 'Alerts summary or findings report'],
];
const DETAIL = [
  ['1 … 9', 'Summary, Alerts, Observables, Timeline, Notes, Evidence, Records, Findings, Playbook runs'],
  ['Esc', 'Back to the list'],
  ['j / k', 'Move in the alerts or observables list'],
  ['x', 'Select the alert (then Detach)'],
  ['i', 'Flag / unflag the observable as an IOC'],
  ['o', 'Add an observable'],
  ['n', 'Write a note'],
  ['s', 'Start working (in progress)'],
  ['c', 'Close with a resolution'],
  ['e', 'Edit title, severity, TLP, assignee, tags'],
  ['p', 'Write a report (PDF, HTML, CSV)'],
];

function Section({ title, rows }: { title: string; rows: string[][] }) {
  return (
    <section className="kb-help-section" aria-label={title}>
      <h3 className="kb-help-title">{title}</h3>
      <dl className="kb-help-list">
        {rows.map(([k, what]) => (
          <div key={k} className="kb-help-item">
            <dt>
              <kbd>{k}</kbd>
            </dt>
            <dd>{what}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}

/** The cases screen's keyboard cheat sheet (`?`). */
export function CasesHelp({ onClose }: { onClose(): void }) {
  return (
    <Dialog
      title="Keyboard shortcuts"
      description="Single keys, no modifiers; ignored while you type in a field."
      onClose={onClose}
      size="lg"
      testId="cases-help"
      footer={
        <button type="button" className="button primary" onClick={onClose}>
          Got it
        </button>
      }
    >
      <div className="kb-help-grid">
        <Section title="Case list" rows={LIST} />
        <Section title="A case" rows={DETAIL} />
      </div>
    </Dialog>
  );
}
