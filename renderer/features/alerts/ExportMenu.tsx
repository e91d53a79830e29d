import { CircleStop, Download, FileJson, FileSpreadsheet, FileText } from 'lucide-react';
import { useEffect, useRef, useState } from 'react';
import type { ExportFormat, ExportStarted } from '../../../main/contract/console.js';
import { api, errorMessage } from '../../api/index.js';
import { Dialog } from '../../components/Dialog.js';
import { Popover } from '../../components/Popover.js';
import { formatCount } from '../../lib/format.js';
import { describeFilter, toListFilter, useAlerts } from '../../stores/alerts.js';
import { useJobs } from '../../stores/jobs.js';
import { toastError, useToasts } from '../../stores/toasts.js';
import { useTriage } from '../../stores/triage.js';
import { JobProgressBar } from './TriageDialogs.js';

const FORMATS: ReadonlyArray<{ format: ExportFormat; label: string; hint: string; icon: typeof FileText }> = [
  { format: 'csv', label: 'CSV', hint: 'a spreadsheet: one row per alert, notes in a cell', icon: FileSpreadsheet },
  { format: 'json', label: 'JSON', hint: 'one array of alerts, with their notes', icon: FileJson },
  { format: 'ndjson', label: 'NDJSON', hint: 'one alert per line, for jq and SIEM imports', icon: FileText },
];

/** How long a finished export's dialog stays before it closes itself. */
const DONE_CLOSE_MS = 1500;

/** Starts the browser's download of a prepared export (same origin, one-time link). */
function download(href: string, fileName: string): void {
  const a = document.createElement('a');
  a.href = href;
  a.download = fileName;
  a.rel = 'noopener';
  document.body.append(a);
  a.click();
  a.remove();
}

function ExportProgress({ started, description, onClose }: { started: ExportStarted & { job_id: string }; description: string; onClose(): void }) {
  const p = useJobs((s) => s.jobs[started.job_id]);
  const [stopping, setStopping] = useState(false);
  const finished = p !== undefined && p.state !== 'running';

  const closeRef = useRef(onClose);
  closeRef.current = onClose;
  const state = p?.state;
  useEffect(() => {
    const last = useJobs.getState().jobs[started.job_id];
    if (!last || last.state === 'running') return;
    const push = useToasts.getState().push;
    if (last.state === 'done') push('success', `Exported ${formatCount(last.done)} ${last.done === 1 ? 'alert' : 'alerts'} to ${started.path ?? started.file_name}`);
    else if (last.state === 'cancelled') push('info', `Export stopped after ${formatCount(last.done)} of ${formatCount(last.total)} alerts; no complete file was written`);
    else toastError(`Export failed after ${formatCount(last.done)} alerts: ${last.message ?? 'unknown error'}`);
    if (last.state === 'failed') return;
    const t = setTimeout(() => closeRef.current(), DONE_CLOSE_MS);
    return () => clearTimeout(t);
  }, [state, started]);

  return (
    <Dialog
      title={`Exporting ${formatCount(started.total)} ${started.total === 1 ? 'alert' : 'alerts'}`}
      description={`${started.file_name} · ${description}`}
      onClose={onClose}
      testId="export-dialog"
      footer={
        <>
          {!finished ? (
            <button
              type="button"
              className="button ghost"
              disabled={stopping}
              onClick={() => {
                setStopping(true);
                void useTriage.getState().cancelJob(started.job_id);
              }}
            >
              <CircleStop size={14} aria-hidden="true" />
              {stopping ? 'Stopping…' : 'Stop'}
            </button>
          ) : null}
          <button type="button" className="button primary" onClick={onClose}>
            {finished ? 'Close' : 'Run in background'}
          </button>
        </>
      }
    >
      <div aria-live="polite">
        <JobProgressBar jobId={started.job_id} total={started.total} label={`Export to ${started.file_name}`} />
        <p className="faint text-sm">
          {p === undefined && started.download
            ? 'Starting the download…'
            : started.path
              ? `Written to ${started.path} as it goes; the file appears when it is complete.`
              : 'Your browser saves the file as it arrives, with the same columns as vigil alerts export.'}
        </p>
      </div>
    </Dialog>
  );
}

/** "Export" on the Alerts screen: exactly what the filter matches, in the order shown. */
export function ExportMenu() {
  const total = useAlerts((s) => s.total);
  const [running, setRunning] = useState<{ started: ExportStarted & { job_id: string }; description: string } | null>(null);

  const start = async (format: ExportFormat) => {
    const s = useAlerts.getState();
    const filter = s.loaded ? s.currentListFilter() : toListFilter(s.filter);
    try {
      useJobs.getState().listen();
      const started = await api.call('alerts.export', { filter, format, sort: s.sort });
      if (started.job_id === null) return; // the save dialog was cancelled
      if (started.download) download(started.download, started.file_name);
      setRunning({ started: { ...started, job_id: started.job_id }, description: describeFilter(filter, s.filter.range) });
    } catch (err) {
      toastError(`Could not export: ${errorMessage(err)}`);
    }
  };

  return (
    <>
      <Popover
        label="Export"
        testId="export-button"
        trigger={
          <>
            <Download size={14} aria-hidden="true" />
            Export
          </>
        }
      >
        {(close) => (
          <>
            <div className="ui-popover-head">Export {total === null ? 'the matching alerts' : `${formatCount(total)} matching ${total === 1 ? 'alert' : 'alerts'}`}</div>
            <div className="ui-popover-section">
              {FORMATS.map(({ format, label, hint, icon: Icon }) => (
                <button
                  key={format}
                  type="button"
                  className="ui-popover-item tri-export-item"
                  onClick={() => {
                    close();
                    void start(format);
                  }}
                >
                  <Icon size={14} aria-hidden="true" />
                  <span className="tri-export-label">{label}</span>
                  <span className="faint text-sm">{hint}</span>
                </button>
              ))}
            </div>
            <p className="ui-popover-note">Every alert the filter matches, not just the loaded rows, with host, agent and notes: the columns of vigil alerts export.</p>
          </>
        )}
      </Popover>
      {running ? <ExportProgress started={running.started} description={running.description} onClose={() => setRunning(null)} /> : null}
    </>
  );
}
