import { X } from 'lucide-react';
import { useId, type ReactNode } from 'react';
import type { Severity } from '../../../main/contract/alerts.js';
import type { Settings } from '../../../main/contract/settings.js';
import { SEVERITY_LABEL, SEVERITY_ORDER } from '../../lib/domain.js';
import { useSettings } from '../../stores/settings.js';
import { useSettingsForm } from './form.js';
import { fieldState, formatInt, LABELS, parseDraft, SPECS, type BoolKey, type DraftValue, type FormKey, type IntKey, type SectionId } from './model.js';

/** The control's id: stable, so a refused save can move focus to the first invalid field. */
export const fieldId = (key: FormKey): string => `setting-${key}`;

export function focusField(key: FormKey): void {
  const el = document.getElementById(fieldId(key));
  if (!el) return;
  // radio groups: focus the checked option
  const target = el.matches('input, select, textarea, button') ? el : (el.querySelector<HTMLElement>('input:checked') ?? el.querySelector<HTMLElement>('input'));
  target?.focus();
}

function useField(section: SectionId, key: FormKey) {
  const saved = useSettings((s) => s.settings)!;
  const edit = useSettingsForm((s) => s.sections[section].edits[key]);
  const error = useSettingsForm((s) => s.sections[section].errors[key]);
  const saving = useSettingsForm((s) => s.sections[section].saving);
  const f = fieldState(key, saved, edit);
  return {
    ...f,
    saved: saved[key],
    error,
    saving,
    onChange: (value: DraftValue) => useSettingsForm.getState().edit(section, key, value),
    onBlur: () => useSettingsForm.getState().check(section, key),
  };
}

/** "City database" → "city database"; "ASN database" stays. */
function lowerFirst(s: string): string {
  return /^[A-Z][a-z]/.test(s) ? `${s[0]!.toLowerCase()}${s.slice(1)}` : s;
}

function showSaved(value: Settings[FormKey]): string {
  if (typeof value === 'number') return formatInt(value);
  if (typeof value === 'boolean') return value ? 'on' : 'off';
  if (value === '') return 'empty';
  return value;
}

interface RowProps {
  k: FormKey;
  label?: string;
  description: ReactNode;
  /** Small text under the control (the range of a number). */
  hint?: ReactNode;
  error: string | undefined;
  dirty: boolean;
  conflict: boolean;
  saved: Settings[FormKey];
  /** Radio groups and other composite controls are labelled by id instead of `for`. */
  group?: boolean;
  wide?: boolean;
  children: (ids: { labelId: string; describedBy: string }) => ReactNode;
}

/** One setting: name and what it does on the left, the control and its messages on the right. */
function Row({ k, label = LABELS[k], description, hint, error, dirty, conflict, saved, group, wide, children }: RowProps) {
  const labelId = useId();
  const descId = useId();
  const hintId = useId();
  const errId = useId();
  const conflictId = useId();
  const describedBy = [error ? errId : null, conflict ? conflictId : null, descId, hint ? hintId : null].filter(Boolean).join(' ');
  return (
    <div className={`set-row${dirty ? ' dirty' : ''}${wide ? ' wide' : ''}`} data-testid={`setting-row-${k}`} data-dirty={dirty || undefined}>
      <div className="set-row-text">
        <span className="set-row-head">
          {group ? (
            <span id={labelId} className="set-row-label">
              {label}
            </span>
          ) : (
            <label id={labelId} className="set-row-label" htmlFor={fieldId(k)}>
              {label}
            </label>
          )}
          {dirty ? (
            <span className="set-edited" title="Not saved yet">
              <span aria-hidden="true" className="set-edited-dot" />
              <span className="visually-hidden">(not saved)</span>
            </span>
          ) : null}
        </span>
        <p id={descId} className="set-row-desc">
          {description}
        </p>
      </div>
      <div className="set-row-control">
        {children({ labelId, describedBy })}
        {error ? (
          <span id={errId} className="set-error" data-testid={`setting-error-${k}`}>
            {error}
          </span>
        ) : null}
        {conflict ? (
          <span id={conflictId} className="set-conflict">
            Changed elsewhere: now saved as <strong className={typeof saved === 'string' && saved !== '' ? 'mono' : undefined}>{showSaved(saved)}</strong>
          </span>
        ) : null}
        {hint && !error ? (
          <span id={hintId} className="set-hint">
            {hint}
          </span>
        ) : null}
      </div>
    </div>
  );
}

export function IntField({ section, k, description, extra }: { section: SectionId; k: IntKey; description: ReactNode; extra?: (n: number) => ReactNode }) {
  const f = useField(section, k);
  const spec = SPECS[k];
  const parsed = parseDraft(k, f.value);
  const more = extra && parsed.ok && typeof parsed.value === 'number' ? extra(parsed.value) : null;
  return (
    <Row
      k={k}
      description={description}
      hint={
        <>
          {formatInt(spec.min)} – {formatInt(spec.max)}
          {more ? <span className="set-hint-extra"> · {more}</span> : null}
        </>
      }
      error={f.error}
      dirty={f.dirty}
      conflict={f.conflict}
      saved={f.saved}
    >
      {({ describedBy }) => (
        <span className="set-input-unit">
          <input
            id={fieldId(k)}
            className="ui-input num"
            type="text"
            inputMode="numeric"
            autoComplete="off"
            spellCheck={false}
            value={String(f.value)}
            onChange={(e) => f.onChange(e.target.value)}
            onBlur={f.onBlur}
            aria-describedby={describedBy}
            aria-invalid={f.error ? true : undefined}
            data-testid={`setting-${k}`}
          />
          <span className="set-unit" aria-hidden="true">
            {spec.unit}
          </span>
        </span>
      )}
    </Row>
  );
}

export function TextField({
  section,
  k,
  description,
  placeholder,
  mono,
  clearable,
}: {
  section: SectionId;
  k: 'analystName' | 'geoCityDb' | 'geoCountryDb' | 'geoAsnDb';
  description: ReactNode;
  placeholder?: string;
  mono?: boolean;
  clearable?: boolean;
}) {
  const f = useField(section, k);
  const value = String(f.value);
  return (
    <Row k={k} description={description} error={f.error} dirty={f.dirty} conflict={f.conflict} saved={f.saved} wide={mono}>
      {({ describedBy }) => (
        <span className="set-input-clear">
          <input
            id={fieldId(k)}
            className={`ui-input${mono ? ' mono' : ''}`}
            type="text"
            autoComplete="off"
            spellCheck={false}
            maxLength={SPECS[k].max}
            placeholder={placeholder}
            value={value}
            onChange={(e) => f.onChange(e.target.value)}
            onBlur={f.onBlur}
            aria-describedby={describedBy}
            aria-invalid={f.error ? true : undefined}
            data-testid={`setting-${k}`}
          />
          {clearable && value !== '' ? (
            <button type="button" className="icon-button small set-clear" aria-label={`Clear ${lowerFirst(LABELS[k])}`} title="Clear: turns this lookup off" onClick={() => f.onChange('')}>
              <X size={13} aria-hidden="true" />
            </button>
          ) : null}
        </span>
      )}
    </Row>
  );
}

export function SwitchField({ section, k, description, onLabel, offLabel }: { section: SectionId; k: BoolKey; description: ReactNode; onLabel: string; offLabel: string }) {
  const f = useField(section, k);
  const on = f.value === true;
  return (
    <Row k={k} description={description} error={f.error} dirty={f.dirty} conflict={f.conflict} saved={f.saved}>
      {({ describedBy }) => (
        <span className="set-switch-wrap">
          <span className="set-switch">
            <input
              id={fieldId(k)}
              type="checkbox"
              role="switch"
              checked={on}
              onChange={(e) => f.onChange(e.target.checked)}
              aria-describedby={describedBy}
              data-testid={`setting-${k}`}
            />
            <span className="set-switch-track" aria-hidden="true">
              <span className="set-switch-knob" />
            </span>
          </span>
          <span className="set-switch-state" aria-hidden="true">
            {on ? onLabel : offLabel}
          </span>
        </span>
      )}
    </Row>
  );
}

interface Choice {
  value: string;
  label: ReactNode;
  className?: string;
}

function Segmented({ k, value, choices, onChange, labelId, describedBy }: { k: FormKey; value: string; choices: Choice[]; onChange: (v: string) => void; labelId: string; describedBy: string }) {
  const name = useId();
  return (
    <div id={fieldId(k)} className="ui-segmented set-segmented" role="radiogroup" aria-labelledby={labelId} aria-describedby={describedBy} data-testid={`setting-${k}`}>
      {choices.map((c) => (
        <label key={c.value} className={c.className}>
          <input type="radio" name={name} value={c.value} checked={value === c.value} onChange={() => onChange(c.value)} />
          <span>{c.label}</span>
        </label>
      ))}
    </div>
  );
}

/** A setting picked from a few named values (theme, time zone). */
export function ChoiceField({ section, k, description, choices }: { section: SectionId; k: 'theme' | 'timeZone'; description: ReactNode; choices: Choice[] }) {
  const f = useField(section, k);
  return (
    <Row k={k} description={description} error={f.error} dirty={f.dirty} conflict={f.conflict} saved={f.saved} group>
      {({ labelId, describedBy }) => <Segmented k={k} value={String(f.value)} labelId={labelId} describedBy={describedBy} onChange={f.onChange} choices={choices} />}
    </Row>
  );
}

/** Least severe first, reading like a threshold scale. */
const SEVERITY_SCALE: readonly Severity[] = [...SEVERITY_ORDER].reverse();

export function SeverityField({ section, description }: { section: SectionId; description: ReactNode }) {
  const f = useField(section, 'minAlertSeverity');
  const value = String(f.value);
  const at = SEVERITY_SCALE.indexOf(value as Severity);
  return (
    <Row
      k="minAlertSeverity"
      description={description}
      hint={at >= 0 ? `Alerts from: ${SEVERITY_SCALE.slice(at).map((s) => SEVERITY_LABEL[s]).join(', ')}` : undefined}
      error={f.error}
      dirty={f.dirty}
      conflict={f.conflict}
      saved={f.saved}
      group
    >
      {({ labelId, describedBy }) => (
        <Segmented
          k="minAlertSeverity"
          value={value}
          labelId={labelId}
          describedBy={describedBy}
          onChange={f.onChange}
          choices={SEVERITY_SCALE.map((s, i) => ({
            value: s,
            className: `sev-${s}${at >= 0 && i >= at ? ' set-sev-in' : ''}`,
            label: (
              <>
                <span className="sev-swatch" aria-hidden="true" />
                {SEVERITY_LABEL[s]}
              </>
            ),
          }))}
        />
      )}
    </Row>
  );
}
