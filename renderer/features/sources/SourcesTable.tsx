import { CircleAlert, Clock, Database, FileText, FlaskConical, Pause, Play, Trash, Upload, UserLock } from 'lucide-react';
import { useRef, useState } from 'react';
import type { LiveSource } from '../../../main/contract/console.js';
import { formatBytes, formatCount, formatLocalFull, utcTitle } from '../../lib/format.js';
import { useSources } from '../../stores/sources.js';
import { formatRelative } from '../dashboard/format.js';
import { Dialog } from './Dialog.js';
import { SourceStateBadge } from './SourceStateBadge.js';
import { TimeZoneDialog } from './TimeZoneDialog.js';
import { cursorText, formatLabel, holderText, kindLabel, recordTypesSummary, sourceName, sourceState, stateLabel } from './sourceState.js';

function KindIcon({ kind }: { kind: LiveSource['kind'] }) {
  if (kind === 'simulator') return <FlaskConical size={14} aria-hidden="true" />;
  if (kind === 'import') return <Upload size={14} aria-hidden="true" />;
  if (kind === 'indexer') return <Database size={14} aria-hidden="true" />;
  return <FileText size={14} aria-hidden="true" />;
}

function RemoveDialog({ source, onClose }: { source: LiveSource; onClose: () => void }) {
  const cancelRef = useRef<HTMLButtonElement>(null);
  const busy = useSources((s) => !!s.busy[source.id]);
  return (
    <Dialog
      role="alertdialog"
      title="Remove this source?"
      onClose={onClose}
      initialFocus={cancelRef}
      busy={busy}
      testId="remove-source-dialog"
      description={
        <>
          <p>
            Vigil stops following <code className="break">{source.path ?? source.id}</code> and forgets its cursor and counters.
          </p>
          <p className="muted">Alerts and events already stored stay. Adding the file again later reads it from the start you choose.</p>
        </>
      }
    >
      <div className="dialog-actions">
        <button ref={cancelRef} type="button" className="button ghost" onClick={onClose} disabled={busy}>
          Cancel
        </button>
        <button
          type="button"
          className="button danger"
          disabled={busy}
          onClick={async () => {
            await useSources.getState().remove(source.id);
            onClose();
          }}
        >
          <Trash size={14} aria-hidden="true" />
          Remove source
        </button>
      </div>
    </Dialog>
  );
}

/** Sensor records kept for hunting (no alerts), by type, compact: "flow 91,204 · dns 12,004 · http 3,120 +2". */
function RecordTypes({ s }: { s: LiveSource }) {
  const sum = recordTypesSummary(s.skipped_types);
  if (!sum) return <span className="faint">—</span>;
  return (
    <span className="src-types" title={sum.title}>
      {sum.text}
      {sum.more > 0 ? <span className="faint"> +{sum.more}</span> : null}
    </span>
  );
}

function Row({ s, now, onRemove, onTimeZone }: { s: LiveSource; now: number; onRemove: (s: LiveSource) => void; onTimeZone: (s: LiveSource) => void }) {
  const busy = useSources((st) => !!st.busy[s.id]);
  const state = sourceState(s);
  const name = sourceName(s);
  const cursor = cursorText(s);
  const error = s.live?.last_error ?? s.last_error ?? null;
  // who reads it, when it is not this console reading it
  const holder = s.lease && (!s.live || s.live.state === 'waiting') ? holderText(s.lease) : null;
  return (
    <tr data-source-id={s.id} data-testid="source-row">
      <td className="src-cell-source">
        <span className="src-kind-icon" aria-hidden="true">
          <KindIcon kind={s.kind} />
        </span>
        <div className="src-ident">
          <span className="src-name">{name}</span>
          <span className="src-path" title={s.path ?? s.id}>
            {kindLabel(s.kind)}
            {s.path ? (
              <>
                {' · '}
                <span className="mono">{s.path}</span>
              </>
            ) : null}
          </span>
          {s.assume_tz ? (
            <span className="src-path" data-testid="source-timezone" title="Timestamps written without a UTC offset are read in this time zone">
              Times without offset: {s.assume_tz}
            </span>
          ) : null}
          {holder ? (
            <span className="src-holder" data-testid="source-holder">
              <UserLock size={12} aria-hidden="true" />
              Read by {holder}
            </span>
          ) : null}
          {error ? (
            <span className="src-error" data-testid="source-error">
              <CircleAlert size={12} aria-hidden="true" />
              {error}
            </span>
          ) : null}
        </div>
      </td>
      <td>{formatLabel(s.format)}</td>
      <td>
        <SourceStateBadge state={state} note={s.live?.note ?? null} label={stateLabel(s, now)} />
      </td>
      <td className="num r" title={cursor?.detail ?? 'No cursor'}>
        {cursor ? cursor.short : '—'}
      </td>
      <td className={`num r${(s.live?.behind ?? 0) > 0 ? ' behind' : ''}`}>{s.live?.behind != null ? formatBytes(s.live.behind) : '—'}</td>
      <td className="num r" data-testid="source-events">
        {formatCount(s.events)}
      </td>
      <td data-testid="source-types">
        <RecordTypes s={s} />
      </td>
      <td className={`num r${s.quarantined > 0 ? ' warn-text' : ''}`} data-testid="source-quarantined">
        {formatCount(s.quarantined)}
      </td>
      <td className="num r" data-testid="source-alerts">
        <span title="created">{formatCount(s.alerts_created)}</span>
        <span className="faint"> / {formatCount(s.alerts_updated)}</span>
      </td>
      <td className="nowrap" title={s.last_event_at ? `${formatLocalFull(s.last_event_at)} · ${utcTitle(s.last_event_at)}` : 'No events yet'}>
        {formatRelative(s.last_event_at, now)}
      </td>
      <td className="src-actions">
        {s.kind === 'file' || s.kind === 'indexer' ? (
          s.enabled ? (
            <button
              type="button"
              className="button small"
              disabled={busy}
              aria-label={`Pause ${name}`}
              onClick={() => void useSources.getState().setEnabled(s.id, false)}
            >
              <Pause size={12} aria-hidden="true" />
              Pause
            </button>
          ) : (
            <button
              type="button"
              className="button small"
              disabled={busy}
              aria-label={`Resume ${name}`}
              onClick={() => void useSources.getState().setEnabled(s.id, true)}
            >
              <Play size={12} aria-hidden="true" />
              Resume
            </button>
          )
        ) : null}
        {s.kind === 'file' || s.kind === 'import' ? (
          <button
            type="button"
            className="icon-button small"
            aria-label={`Time zone of ${name}`}
            title={s.assume_tz ? `Timestamps without an offset: ${s.assume_tz}` : 'Set a time zone for timestamps without an offset'}
            disabled={busy}
            onClick={() => onTimeZone(s)}
          >
            <Clock size={13} aria-hidden="true" />
          </button>
        ) : null}
        <button
          type="button"
          className="icon-button small danger-hover"
          aria-label={`Remove ${name}`}
          title="Remove source"
          disabled={busy}
          onClick={() => onRemove(s)}
        >
          <Trash size={13} aria-hidden="true" />
        </button>
      </td>
    </tr>
  );
}

export function SourcesTable({ sources, now }: { sources: LiveSource[]; now: number }) {
  const [removing, setRemoving] = useState<LiveSource | null>(null);
  const [zoning, setZoning] = useState<LiveSource | null>(null);
  return (
    <div className="table-wrap">
      <table className="data-table sources-table">
        <caption className="visually-hidden">Sources, their live state and counters</caption>
        <thead>
          <tr>
            <th scope="col">Source</th>
            <th scope="col">Format</th>
            <th scope="col">State</th>
            <th scope="col" className="r" title="Byte offset of the saved cursor">
              Cursor
            </th>
            <th scope="col" className="r" title="Bytes written to the file and not read yet">
              Behind
            </th>
            <th scope="col" className="r">
              Events
            </th>
            <th scope="col" title="Sensor records that are no alerts (flow, dns, http, ...), kept for hunting, by type">
              Sensor records
            </th>
            <th scope="col" className="r">
              Quarantined
            </th>
            <th scope="col" className="r" title="Alerts created / updated">
              Alerts <span className="faint">new / upd.</span>
            </th>
            <th scope="col">Last event</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {sources.map((s) => (
            <Row key={s.id} s={s} now={now} onRemove={setRemoving} onTimeZone={setZoning} />
          ))}
        </tbody>
      </table>
      {removing ? <RemoveDialog source={removing} onClose={() => setRemoving(null)} /> : null}
      {zoning ? <TimeZoneDialog source={zoning} onClose={() => setZoning(null)} /> : null}
    </div>
  );
}
