import { useId, useRef, useState } from 'react';
import type { LiveSource } from '../../../main/contract/console.js';
import { errorMessage } from '../../api/index.js';
import { useSources } from '../../stores/sources.js';
import { FormDialog } from './FormDialog.js';
import { TimeZoneField } from './TimeZoneField.js';
import { sourceName } from './sourceState.js';

/** Sets or clears a source's time zone for timestamps written without a UTC offset. */
export function TimeZoneDialog({ source, onClose }: { source: LiveSource; onClose: () => void }) {
  const [value, setValue] = useState(source.assume_tz ?? '');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const inputRef = useRef<HTMLInputElement>(null);
  const errId = useId();

  const save = async (tz: string | null) => {
    setBusy(true);
    setError(null);
    try {
      await useSources.getState().setAssumeTz(source.id, tz);
      onClose();
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
      inputRef.current?.focus();
    }
  };

  return (
    <FormDialog
      title={`Time zone of ${sourceName(source)}`}
      description="Applies to lines read from now on; lines already quarantined stay there."
      onClose={onClose}
      onSubmit={() => {
        const tz = value.trim();
        void save(tz.length > 0 ? tz : null);
      }}
      submitLabel="Save time zone"
      busy={busy}
      error={error ? { message: error, issues: [] } : null}
      errorId={errId}
      errorTestId="timezone-error"
      initialFocus={inputRef}
      testId="timezone-dialog"
    >
      <TimeZoneField value={value} onChange={setValue} inputRef={inputRef} invalid={error !== null} {...(error ? { describedBy: errId } : {})} />
    </FormDialog>
  );
}
