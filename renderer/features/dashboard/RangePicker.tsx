import { Calendar } from 'lucide-react';
import { useEffect, useId, useRef, useState } from 'react';
import { RANGE_PRESETS, rangeLabel, useDashboard, type DashRange } from '../../stores/dashboard.js';
import { localInputValue } from '../../lib/format.js';


function CustomRangePopover({ initial, onApply, onClose }: { initial: DashRange; onApply: (r: DashRange) => void; onClose: () => void }) {
  const now = Date.now();
  const [from, setFrom] = useState(() => localInputValue(initial.kind === 'custom' ? Date.parse(initial.from) : now - 86_400_000));
  const [to, setTo] = useState(() => localInputValue(initial.kind === 'custom' ? Date.parse(initial.to) : now));
  const [error, setError] = useState<string | null>(null);
  const firstRef = useRef<HTMLInputElement>(null);
  const boxRef = useRef<HTMLDivElement>(null);
  const titleId = useId();
  const errId = useId();

  useEffect(() => {
    firstRef.current?.focus();
    const onDown = (e: MouseEvent) => {
      const target = e.target as Node;
      if (boxRef.current && !boxRef.current.contains(target) && !(target instanceof Element && target.closest('[data-range-custom]'))) onClose();
    };
    document.addEventListener('mousedown', onDown);
    return () => document.removeEventListener('mousedown', onDown);
  }, [onClose]);

  const apply = () => {
    const f = Date.parse(from);
    const t = Date.parse(to);
    if (Number.isNaN(f) || Number.isNaN(t)) return setError('Enter both a start and an end.');
    if (t <= f) return setError('The end must be after the start.');
    if (t - f < 60_000) return setError('Choose a range of at least one minute.');
    onApply({ kind: 'custom', from: new Date(f).toISOString(), to: new Date(t).toISOString() });
  };

  return (
    <div
      ref={boxRef}
      className="range-popover"
      role="dialog"
      aria-modal="false"
      aria-labelledby={titleId}
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.stopPropagation();
          onClose();
        }
      }}
    >
      <h2 id={titleId} className="range-popover-title">
        Custom range
      </h2>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          apply();
        }}
      >
        <label className="field-label">
          From
          <input
            ref={firstRef}
            type="datetime-local"
            className="text-input"
            value={from}
            max={to}
            onChange={(e) => setFrom(e.target.value)}
            aria-describedby={error ? errId : undefined}
            required
          />
        </label>
        <label className="field-label">
          To
          <input type="datetime-local" className="text-input" value={to} min={from} onChange={(e) => setTo(e.target.value)} required />
        </label>
        {error ? (
          <p id={errId} className="form-error" role="alert">
            {error}
          </p>
        ) : null}
        <div className="range-popover-actions">
          <button type="button" className="button ghost small" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="button primary small">
            Apply range
          </button>
        </div>
      </form>
    </div>
  );
}

/** Segmented time range control: 15m · 1h · 24h · 7d · Custom. Drives every panel. */
export function RangePicker() {
  const range = useDashboard((s) => s.range);
  const setRange = useDashboard((s) => s.setRange);
  const [open, setOpen] = useState(false);
  const customRef = useRef<HTMLButtonElement>(null);
  const close = () => {
    setOpen(false);
    customRef.current?.focus();
  };
  return (
    <div className="range-picker">
      <div className="segmented" role="group" aria-label="Time range">
        {RANGE_PRESETS.map((p) => {
          const on = range.kind === 'preset' && range.preset === p.value;
          return (
            <button
              key={p.value}
              type="button"
              className={`segment${on ? ' on' : ''}`}
              aria-pressed={on}
              title={p.label}
              aria-label={`${p.short}, ${p.label.toLowerCase()}`}
              onClick={() => setRange({ kind: 'preset', preset: p.value })}
            >
              {p.short}
            </button>
          );
        })}
        <button
          ref={customRef}
          type="button"
          data-range-custom
          className={`segment${range.kind === 'custom' ? ' on' : ''}`}
          aria-pressed={range.kind === 'custom'}
          aria-expanded={open}
          aria-haspopup="dialog"
          onClick={() => setOpen((o) => !o)}
        >
          <Calendar size={13} aria-hidden="true" />
          {range.kind === 'custom' ? rangeLabel(range) : 'Custom'}
        </button>
      </div>
      {open ? (
        <CustomRangePopover
          initial={range}
          onClose={close}
          onApply={(r) => {
            setRange(r);
            close();
          }}
        />
      ) : null}
    </div>
  );
}
