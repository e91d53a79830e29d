import { FunnelX, Search, X } from 'lucide-react';
import type { RefObject } from 'react';
import { SEVERITY_LABEL, SEVERITY_ORDER, STATUS_LABEL, STATUS_ORDER, severityClass, statusClass } from '../../lib/domain.js';
import { isFilterActive, TIME_RANGES, useAlerts, type TimeRange } from '../../stores/alerts.js';

export function FilterBar({ searchRef }: { searchRef: RefObject<HTMLInputElement | null> }) {
  const filter = useAlerts((s) => s.filter);
  const textInput = useAlerts((s) => s.textInput);
  const { toggleSeverity, toggleStatus, setRange, setTextInput, clearFilters } = useAlerts.getState();
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
            placeholder="Search title, rule or IP"
            value={textInput}
            maxLength={200}
            spellCheck={false}
            autoComplete="off"
            onChange={(e) => setTextInput(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Escape') {
                if (textInput) setTextInput('');
                else e.currentTarget.blur();
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
          <select
            className="select"
            aria-label="Time range"
            value={filter.range}
            onChange={(e) => setRange(e.target.value as TimeRange)}
          >
            {TIME_RANGES.map((r) => (
              <option key={r.value} value={r.value}>
                {r.label}
              </option>
            ))}
          </select>
        </label>
        <div className="filter-spacer" />
        {active ? (
          <button type="button" className="button ghost" onClick={clearFilters}>
            <FunnelX size={14} aria-hidden="true" />
            Clear filters
          </button>
        ) : null}
      </div>
      <div className="filter-row chips-row">
        <div className="chip-group" role="group" aria-labelledby="filter-severity-label">
          <span className="filter-label" id="filter-severity-label">
            Severity
          </span>
          {SEVERITY_ORDER.map((s) => {
            const on = filter.severity.includes(s);
            return (
              <button
                key={s}
                type="button"
                className={`chip ${severityClass(s)}${on ? ' on' : ''}`}
                aria-pressed={on}
                onClick={() => toggleSeverity(s)}
              >
                <span className="sev-swatch" aria-hidden="true" />
                {SEVERITY_LABEL[s]}
              </button>
            );
          })}
        </div>
        <div className="chip-group" role="group" aria-labelledby="filter-status-label">
          <span className="filter-label" id="filter-status-label">
            Status
          </span>
          {STATUS_ORDER.map((s) => {
            const on = filter.status.includes(s);
            return (
              <button
                key={s}
                type="button"
                className={`chip ${statusClass(s)}${on ? ' on' : ''}`}
                aria-pressed={on}
                onClick={() => toggleStatus(s)}
              >
                <span className="status-dot" aria-hidden="true" />
                {STATUS_LABEL[s]}
              </button>
            );
          })}
        </div>
      </div>
    </section>
  );
}
