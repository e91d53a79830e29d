import { FolderOpen } from 'lucide-react';
import { EVENT_FORMATS } from '../../../main/contract/pipeline.js';
import { useId, useRef, useState } from 'react';
import { api, ApiError, errorMessage } from '../../api/index.js';
import { useSources, type SourceAddInput } from '../../stores/sources.js';
import { FormDialog, type FormError } from './FormDialog.js';
import { TimeZoneField } from './TimeZoneField.js';

/** What each record format is called here: one entry per contract format (a new one does not compile without it). */
const FORMAT_TEXT: Record<SourceAddInput['format'], { label: string; hint: string }> = {
  eve: { label: 'Suricata EVE JSON', hint: 'eve.json: one JSON record per line' },
  wazuh: { label: 'Wazuh alerts.json', hint: '/var/ossec/logs/alerts/alerts.json' },
};
const FORMATS = EVENT_FORMATS.map((value) => ({ value, ...FORMAT_TEXT[value] }));

const START_AT: ReadonlyArray<{ value: NonNullable<SourceAddInput['start_at']>; label: string; hint: string }> = [
  { value: 'beginning', label: 'Beginning of the file', hint: 'Reads what is already there, then follows' },
  { value: 'end', label: 'End of the file', hint: 'Only lines written from now on' },
];

const toError = (err: unknown): FormError =>
  err instanceof ApiError ? { message: err.message, issues: err.issues ?? [] } : { message: errorMessage(err), issues: [] };

export function AddSourceDialog({ onClose }: { onClose: () => void }) {
  const [path, setPath] = useState('');
  const [format, setFormat] = useState<SourceAddInput['format']>('eve');
  const [startAt, setStartAt] = useState<NonNullable<SourceAddInput['start_at']>>('beginning');
  const [assumeTz, setAssumeTz] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<FormError | null>(null);
  const pathRef = useRef<HTMLInputElement>(null);
  const pickRef = useRef<HTMLButtonElement>(null);
  const pathHint = useId();
  const errId = useId();
  // The desktop app follows only files chosen in its native dialog; a browser types a path under
  // the folders `vigil serve` allows (--source-dir).
  const desktop = api.transport === 'ipc';

  const pick = async () => {
    setError(null);
    try {
      const chosen = await api.call('sources.pick');
      if (chosen.path) setPath(chosen.path);
    } catch (err) {
      setError(toError(err));
    }
    pickRef.current?.focus();
  };

  const submit = async () => {
    const p = path.trim();
    if (!p) {
      setError({ message: desktop ? 'Choose the file to follow.' : 'Enter the full path of the file to follow.', issues: [] });
      (desktop ? pickRef : pathRef).current?.focus();
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const tz = assumeTz.trim();
      await useSources.getState().add({ path: p, format, start_at: startAt, assume_tz: tz.length > 0 ? tz : null });
      onClose();
    } catch (err) {
      setError(toError(err));
      setBusy(false);
      (desktop ? pickRef : pathRef).current?.focus();
    }
  };

  return (
    <FormDialog
      title="Add followed file"
      description="Vigil follows the file like tail -F: it survives rotation and truncation, and resumes from its saved cursor after a restart."
      onClose={onClose}
      onSubmit={() => void submit()}
      submitLabel="Add source"
      busy={busy}
      error={error}
      errorId={errId}
      errorTestId="add-source-error"
      initialFocus={desktop ? pickRef : pathRef}
      testId="add-source-dialog"
    >
      <label className="field-label">
        File path
        <span className={desktop ? 'path-pick' : undefined}>
          <input
            ref={pathRef}
            className="text-input mono"
            type="text"
            name="path"
            value={path}
            onChange={(e) => setPath(e.target.value)}
            placeholder={desktop ? 'No file chosen' : '/var/log/suricata/eve.json'}
            readOnly={desktop}
            spellCheck={false}
            autoComplete="off"
            maxLength={4096}
            aria-describedby={error ? `${errId} ${pathHint}` : pathHint}
            aria-invalid={error ? true : undefined}
            required
          />
          {desktop ? (
            <button ref={pickRef} type="button" className="button" onClick={() => void pick()} disabled={busy}>
              <FolderOpen size={14} aria-hidden="true" />
              Choose file…
            </button>
          ) : null}
        </span>
        <span id={pathHint} className="field-hint">
          {desktop
            ? 'Vigil follows only files you choose here.'
            : 'An absolute path on the machine running Vigil, under a folder vigil serve allows (--source-dir). The file may not exist yet.'}
        </span>
      </label>
      <fieldset className="choice-group">
        <legend>Format</legend>
        {FORMATS.map((f) => (
          <label key={f.value} className={`choice${format === f.value ? ' on' : ''}`}>
            <input type="radio" name="format" value={f.value} checked={format === f.value} onChange={() => setFormat(f.value)} />
            <span className="choice-text">
              <span className="choice-label">{f.label}</span>
              <span className="choice-hint">{f.hint}</span>
            </span>
          </label>
        ))}
      </fieldset>
      <fieldset className="choice-group">
        <legend>Start reading at</legend>
        {START_AT.map((s) => (
          <label key={s.value} className={`choice${startAt === s.value ? ' on' : ''}`}>
            <input type="radio" name="start_at" value={s.value} checked={startAt === s.value} onChange={() => setStartAt(s.value)} />
            <span className="choice-text">
              <span className="choice-label">{s.label}</span>
              <span className="choice-hint">{s.hint}</span>
            </span>
          </label>
        ))}
      </fieldset>
      <TimeZoneField value={assumeTz} onChange={setAssumeTz} />
    </FormDialog>
  );
}
