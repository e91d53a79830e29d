import type { Severity } from '../../main/contract/alerts.js';
import type { Case } from '../../main/contract/cases.js';
import { SeveritySelect } from './SeveritySelect.js';

/** Where something goes: a new case (its title and severity) or one of the open cases. */
export interface CaseChoiceValue {
  mode: 'new' | 'existing';
  title: string;
  severity: Severity;
  caseId: number | null;
}

export interface CaseChoiceProps {
  /** Prefix of the fields' ids (a dialog's useId()). */
  id: string;
  value: CaseChoiceValue;
  onChange(v: CaseChoiceValue): void;
  /** The open cases; null while they load. */
  cases: readonly Case[] | null;
  /** The existing-case choice's label, before its count ("Existing case", "Open case"). */
  existingLabel: string;
  /** Which choice comes first. */
  existingFirst?: boolean;
  /** A case as its option reads. */
  describe?(c: Case): string;
  /** An empty first option ("Choose a case…"); without it the first case is the default. */
  placeholder?: string;
  /** data-testid prefix of the title field and the case select (`${testId}-title`, `${testId}-case`). */
  testId: string;
}

/** The new-or-existing case choice of the escalate and keep-in-case dialogs. */
export function CaseChoice({ id, value, onChange, cases, existingLabel, existingFirst = false, describe = (c) => `#${c.id} ${c.title}`, placeholder, testId }: CaseChoiceProps) {
  const set = (patch: Partial<CaseChoiceValue>) => onChange({ ...value, ...patch });
  const choices = [
    <label key="new">
      <input type="radio" name={`${id}-m`} checked={value.mode === 'new'} onChange={() => set({ mode: 'new' })} />
      <span>New case</span>
    </label>,
    <label key="existing">
      <input type="radio" name={`${id}-m`} checked={value.mode === 'existing'} onChange={() => set({ mode: 'existing' })} disabled={!cases?.length} />
      <span>
        {existingLabel}
        {cases?.length ? ` (${cases.length} open)` : ''}
      </span>
    </label>,
  ];
  return (
    <>
      <div className="ui-segmented" role="radiogroup" aria-label="Case">
        {existingFirst ? choices.reverse() : choices}
      </div>
      {value.mode === 'new' ? (
        <>
          <div className="ui-field">
            <label className="ui-field-label" htmlFor={`${id}-t`}>
              Title
            </label>
            <input id={`${id}-t`} className="ui-input" value={value.title} maxLength={200} onChange={(e) => set({ title: e.target.value })} data-testid={`${testId}-title`} />
          </div>
          <SeveritySelect id={`${id}-s`} value={value.severity} onChange={(severity) => set({ severity })} />
        </>
      ) : (
        <div className="ui-field">
          <label className="ui-field-label" htmlFor={`${id}-c`}>
            Case
          </label>
          <select
            id={`${id}-c`}
            className="ui-input"
            value={value.caseId ?? ''}
            onChange={(e) => set({ caseId: e.target.value ? Number(e.target.value) : null })}
            disabled={cases === null}
            data-testid={`${testId}-case`}
          >
            {cases === null ? <option value="">Loading the open cases…</option> : placeholder !== undefined ? <option value="">{placeholder}</option> : null}
            {(cases ?? []).map((c) => (
              <option key={c.id} value={c.id}>
                {describe(c)}
              </option>
            ))}
          </select>
        </div>
      )}
    </>
  );
}

/** What a CaseChoice lacks before its dialog can go on, in words; null when nothing. */
export function caseChoiceProblem(v: CaseChoiceValue): string | null {
  if (v.mode === 'new' && !v.title.trim()) return 'A new case needs a title.';
  if (v.mode === 'existing' && v.caseId === null) return 'Choose the case.';
  return null;
}
