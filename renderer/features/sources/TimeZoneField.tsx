import { useId, useMemo, type RefObject } from 'react';
import { timeZoneNames } from './sourceState.js';

interface TimeZoneFieldProps {
  value: string;
  onChange: (v: string) => void;
  inputRef?: RefObject<HTMLInputElement | null>;
  invalid?: boolean;
  describedBy?: string;
}

/** A source's time zone for timestamps written without a UTC offset: an IANA name, or empty for none. */
export function TimeZoneField({ value, onChange, inputRef, invalid, describedBy }: TimeZoneFieldProps) {
  const listId = useId();
  const hintId = useId();
  const zones = useMemo(timeZoneNames, []);
  return (
    <label className="field-label">
      Time zone for timestamps without a UTC offset
      <input
        ref={inputRef}
        className="text-input mono"
        type="text"
        name="assume_tz"
        list={listId}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        placeholder="None: such lines are quarantined"
        spellCheck={false}
        autoComplete="off"
        maxLength={64}
        aria-describedby={describedBy ? `${describedBy} ${hintId}` : hintId}
        aria-invalid={invalid ? true : undefined}
      />
      <datalist id={listId}>
        {zones.map((z) => (
          <option key={z} value={z} />
        ))}
      </datalist>
      <span id={hintId} className="field-hint">
        Older Suricata configurations write local time with no offset (2019-01-02T03:50:10.576769). Name the sensor&apos;s zone, such as
        Europe/Paris, to read those lines; daylight saving time is applied.
      </span>
    </label>
  );
}
