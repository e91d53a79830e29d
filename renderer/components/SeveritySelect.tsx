import type { Severity } from '../../main/contract/alerts.js';
import { SEVERITY_LABEL, SEVERITY_ORDER } from '../lib/domain.js';

/** A labelled severity picker (most severe first). */
export function SeveritySelect({ id, value, onChange }: { id: string; value: Severity; onChange(s: Severity): void }) {
  return (
    <div className="ui-field">
      <label className="ui-field-label" htmlFor={id}>
        Severity
      </label>
      <select id={id} className="ui-input" value={value} onChange={(e) => onChange(e.target.value as Severity)}>
        {SEVERITY_ORDER.map((s) => (
          <option key={s} value={s}>
            {SEVERITY_LABEL[s]}
          </option>
        ))}
      </select>
    </div>
  );
}
