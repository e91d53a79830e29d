import { FunnelX, Search, X } from 'lucide-react';
import { useEffect, useId, useRef, useState, type RefObject } from 'react';
import { SEVERITY_LABEL, SEVERITY_ORDER, STATUS_LABEL, STATUS_ORDER, severityClass, statusClass } from '../../lib/domain.js';
import {
  isFilterActive,
  PRIORITY_ORDER,
  SOURCES,
  TIME_RANGES,
  useAlerts,
  type AlertsFilter,
  type TimeRange,
} from '../../stores/alerts.js';
import { ipFilterError, techniqueError } from './ip.js';
import { localInputValue } from '../../lib/format.js';

const COMMIT_DELAY_MS = 350;

type FieldKey = 'src_ip' | 'dst_ip' | 'host' | 'technique' | 'assignee';

interface FilterFieldProps {
  field: FieldKey;
  label: string;
  placeholder: string;
  className: string;
  validate?: (v: string) => string | null;
  mono?: boolean;
}

/**
 * A text filter that commits on its own: valid input 350 ms after the last keystroke (or at
 * once on Enter); invalid input is never sent and says why once the analyst pauses or leaves.
 */
function FilterField({ field, label, placeholder, className, validate, mono }: FilterFieldProps) {
  const committed = useAlerts((s) => s.filter[field]);
  const [draft, setDraft] = useState(committed);
  const [showError, setShowError] = useState(false);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const errId = useId();

  // follow changes made elsewhere (clear filters, a saved filter, a link)
  useEffect(() => {
    setDraft(committed);
    setShowError(false);
  }, [committed]);

  useEffect(() => () => {
    if (timer.current) clearTimeout(timer.current);
  }, []);

  const error = validate ? validate(draft) : null;

  const commit = (value: string) => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = null;
    const v = value.trim();
    if (validate?.(v)) {
      setShowError(true);
      return;
    }
    if (v !== useAlerts.getState().filter[field]) useAlerts.getState().setFilter({ [field]: v } as Partial<AlertsFilter>);
  };

  const onChange = (value: string) => {
    setDraft(value);
    setShowError(false);
    if (timer.current) clearTimeout(timer.current);
    timer.current = setTimeout(() => {
      timer.current = null;
      if (validate?.(value.trim())) setShowError(true);
      else commit(value);
    }, COMMIT_DELAY_MS);
  };

  const invalid = showError && error !== null;
  return (
    <div className={`filter-field ${className}`}>
      <label className="visually-hidden" htmlFor={`${errId}-input`}>
        {label}
      </label>
      <input
        id={`${errId}-input`}
        className={`filter-input${mono ? ' mono' : ''}`}
        placeholder={placeholder}
        value={draft}
        maxLength={64}
        spellCheck={false}
        autoComplete="off"
        aria-invalid={invalid}
        aria-describedby={invalid ? errId : undefined}
        data-testid={`filter-${field}`}
        onChange={(e) => onChange(e.target.value)}
        onBlur={() => commit(draft)}
        onKeyDown={(e) => {
          if (e.key === 'Enter') commit(draft);
          else if (e.key === 'Escape') {
            if (draft) {
              e.stopPropagation();
              setDraft('');
              commit('');
            } else e.currentTarget.blur();
          }
        }}
      />
      {draft ? (
        <button type="button" className="field-clear" aria-label={`Clear ${label}`} onClick={() => {
            setDraft('');
            commit('');
          }}>
          <X size={11} aria-hidden="true" />
        </button>
      ) : null}
      {invalid ? (
        <span id={errId} role="alert" className="filter-error">
          {error}
        </span>
      ) : null}
    </div>
  );
}

/** datetime-local value (local time, minutes) ↔ ISO. */
function toLocalInput(iso: string): string {
  return iso ? localInputValue(Date.parse(iso)) : '';
}

function fromLocalInput(v: string): string {
  if (!v) return '';
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? '' : d.toISOString();
}

function CustomRange() {
  const from = useAlerts((s) => s.filter.from);
  const to = useAlerts((s) => s.filter.to);
  const bad = from !== '' && to !== '' && Date.parse(to) <= Date.parse(from);
  return (
    <div className="custom-range" role="group" aria-label="Custom time range">
      <input
        type="datetime-local"
        className="filter-input date-input"
        aria-label="From (local time)"
        value={toLocalInput(from)}
        max={toLocalInput(to) || undefined}
        onChange={(e) => useAlerts.getState().setFilter({ from: fromLocalInput(e.target.value) })}
      />
      <span className="faint" aria-hidden="true">
        –
      </span>
      <input
        type="datetime-local"
        className="filter-input date-input"
        aria-label="To (local time)"
        aria-invalid={bad}
        value={toLocalInput(to)}
        min={toLocalInput(from) || undefined}
        onChange={(e) => useAlerts.getState().setFilter({ to: fromLocalInput(e.target.value) })}
      />
      {bad ? (
        <span role="alert" className="filter-error inline">
          “To” must be after “From”
        </span>
      ) : null}
    </div>
  );
}

function Chips<T extends string>({
  label,
  values,
  selected,
  render,
  className,
  onToggle,
}: {
  label: string;
  values: readonly T[];
  selected: readonly T[];
  render(v: T): string;
  className?(v: T): string;
  onToggle(v: T): void;
}) {
  const id = useId();
  return (
    <div className="chip-group" role="group" aria-labelledby={id}>
      <span className="filter-label" id={id}>
        {label}
      </span>
      {values.map((v) => {
        const on = selected.includes(v);
        const cls = className?.(v) ?? '';
        return (
          <button key={v} type="button" className={`chip ${cls}${on ? ' on' : ''}`} aria-pressed={on} onClick={() => onToggle(v)}>
            {cls.startsWith('sev-') ? <span className="sev-swatch" aria-hidden="true" /> : null}
            {cls.startsWith('status-') ? <span className="status-dot" aria-hidden="true" /> : null}
            {render(v)}
          </button>
        );
      })}
    </div>
  );
}

export function FilterBar({ searchRef }: { searchRef: RefObject<HTMLInputElement | null> }) {
  const filter = useAlerts((s) => s.filter);
  const textInput = useAlerts((s) => s.textInput);
  const { toggleSeverity, toggleStatus, togglePriority, toggleSource, setRange, setTextInput, commitTextInput, clearFilters } = useAlerts.getState();
  const active = isFilterActive(filter) || textInput.trim() !== '';

  return (
    <section className="filter-bar" aria-label="Alert filters">
      <div className="filter-row">
        <div className="search-box">
          <Search size={14} className="search-icon" aria-hidden="true" />
          <input
            ref={searchRef}
            type="search"
            className="search-input"
            aria-label="Search alerts"
            aria-keyshortcuts="/"
            placeholder="Search title, rule, IP…"
            value={textInput}
            maxLength={200}
            spellCheck={false}
            autoComplete="off"
            onChange={(e) => setTextInput(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Escape') {
                // leaves the query alone: only hands the keyboard back to the list
                e.preventDefault();
                e.stopPropagation();
                e.currentTarget.blur();
              } else if (e.key === 'Enter' || e.key === 'ArrowDown') {
                // search now (no pause to wait for), and hand the keyboard back to the list
                e.preventDefault();
                commitTextInput();
                e.currentTarget.blur();
              }
            }}
          />
          {textInput ? (
            <button type="button" className="search-clear" aria-label="Clear search" onClick={() => setTextInput('')}>
              <X size={12} aria-hidden="true" />
            </button>
          ) : (
            <kbd className="search-kbd" aria-hidden="true">
              /
            </kbd>
          )}
        </div>
        <label className="select-wrap">
          <span className="visually-hidden">Time range</span>
          <select className="select" aria-label="Time range" value={filter.range} onChange={(e) => setRange(e.target.value as TimeRange)}>
            {TIME_RANGES.map((r) => (
              <option key={r.value} value={r.value}>
                {r.label}
              </option>
            ))}
          </select>
        </label>
        {filter.range === 'custom' ? <CustomRange /> : null}
        <FilterField field="host" label="Host (agent, sensor or address)" placeholder="Host" className="w-host" />
        <FilterField field="src_ip" label="Source IP or CIDR" placeholder="Src IP / CIDR" className="w-ip" validate={ipFilterError} mono />
        <FilterField field="dst_ip" label="Destination IP or CIDR" placeholder="Dst IP / CIDR" className="w-ip" validate={ipFilterError} mono />
        <FilterField field="technique" label="ATT&CK technique" placeholder="Technique" className="w-tech" validate={techniqueError} mono />
        <FilterField field="assignee" label="Assignee" placeholder="Assignee" className="w-assignee" />
        <div className="filter-spacer" />
        {active ? (
          <button type="button" className="button ghost small" onClick={clearFilters}>
            <FunnelX size={14} aria-hidden="true" />
            Clear filters
          </button>
        ) : null}
      </div>
      <div className="filter-row chips-row">
        <Chips
          label="Severity"
          values={SEVERITY_ORDER}
          selected={filter.severity}
          render={(s) => SEVERITY_LABEL[s]}
          className={severityClass}
          onToggle={toggleSeverity}
        />
        <Chips label="Priority" values={PRIORITY_ORDER} selected={filter.priority} render={(p) => p} onToggle={togglePriority} />
        <Chips label="Source" values={SOURCES} selected={filter.source} render={(s) => s} onToggle={toggleSource} />
        <Chips label="Status" values={STATUS_ORDER} selected={filter.status} render={(s) => STATUS_LABEL[s]} className={statusClass} onToggle={toggleStatus} />
        {filter.rule_id ? <RemovableFilter label="Rule" testId="filter-rule" value={filter.rule_id} onRemove={() => useAlerts.getState().setFilter({ rule_id: '' })} /> : null}
        {filter.tag ? <RemovableFilter label="Tag" testId="filter-tag" value={filter.tag} onRemove={() => useAlerts.getState().setFilter({ tag: '' })} /> : null}
      </div>
    </section>
  );
}

/** A filter set from elsewhere (a drill-down, a tag clicked on an alert): shown as a chip that removes it. */
function RemovableFilter({ label, testId, value, onRemove }: { label: string; testId: string; value: string; onRemove: () => void }) {
  return (
    <div className="chip-group" role="group" aria-label={label}>
      <span className="filter-label">{label}</span>
      <button type="button" className="chip on" data-testid={testId} aria-label={`${label} ${value}: remove this filter`} title="Remove this filter" onClick={onRemove}>
        <span className="mono">{value}</span>
        <X size={11} aria-hidden="true" />
      </button>
    </div>
  );
}
