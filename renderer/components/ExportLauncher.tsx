import { Download, type FileText } from 'lucide-react';
import { useEffect, useRef, useState } from 'react';
import type { ExportStarted, JobProgress } from '../../main/contract/console.js';
import { errorMessage } from '../api/index.js';
import { formatCount } from '../lib/format.js';
import { useJobs, whenJobEnds } from '../stores/jobs.js';
import { toastError, useToasts } from '../stores/toasts.js';
import { useTriage } from '../stores/triage.js';
import { Dialog } from './Dialog.js';
import { Popover } from './Popover.js';
import { JobDialogFooter, JobProgressBar } from './JobBar.js';

/** What an export's rows are, in its dialog and toasts. */
export interface ExportNoun {
  one: string;
  many: string;
}

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

/** The toast that says how an export ended (registered when it starts, so it outlives the dialog). */
function toastExportEnd(last: JobProgress, started: ExportStarted, noun: ExportNoun): void {
  const push = useToasts.getState().push;
  if (last.state === 'done') push('success', `Exported ${formatCount(last.done)} ${last.done === 1 ? noun.one : noun.many} to ${started.path ?? started.file_name}`);
  else if (last.state === 'cancelled') push('info', `Export stopped after ${formatCount(last.done)} of ${formatCount(last.total)} ${noun.many}; no complete file was written`);
  else toastError(`Export failed after ${formatCount(last.done)} ${noun.many}: ${last.message ?? 'unknown error'}`);
}

/**
 * A running export job: its progress and Stop; the dialog closes itself once the job is done or
 * stopped (the toast says how it ended, also when the dialog was left to run in the background).
 * `browserNote` says what the browser saves (headless).
 */
function ExportProgress({
  started,
  description,
  noun,
  browserNote,
  onClose,
}: {
  started: ExportStarted & { job_id: string };
  description: string;
  noun: ExportNoun;
  browserNote: string;
  onClose(): void;
}) {
  const p = useJobs((s) => s.jobs[started.job_id]);
  const [stopping, setStopping] = useState(false);
  const finished = p !== undefined && p.state !== 'running';

  const closeRef = useRef(onClose);
  closeRef.current = onClose;
  const state = p?.state;
  useEffect(() => {
    if (state === undefined || state === 'running' || state === 'failed') return;
    const t = setTimeout(() => closeRef.current(), DONE_CLOSE_MS);
    return () => clearTimeout(t);
  }, [state]);

  return (
    <Dialog
      title={`Exporting ${formatCount(started.total)} ${started.total === 1 ? noun.one : noun.many}`}
      description={`${started.file_name} · ${description}`}
      onClose={onClose}
      testId="export-dialog"
      footer={
        <JobDialogFooter
          finished={finished}
          stopping={stopping}
          onStop={() => {
            setStopping(true);
            void useTriage.getState().cancelJob(started.job_id);
          }}
          onClose={onClose}
        />
      }
    >
      <div aria-live="polite">
        <JobProgressBar jobId={started.job_id} total={started.total} label={`Export to ${started.file_name}`} />
        <p className="faint text-sm">
          {p === undefined && started.download
            ? 'Starting the download…'
            : started.path
              ? `Written to ${started.path} as it goes; the file appears when it is complete.`
              : browserNote}
        </p>
      </div>
    </Dialog>
  );
}


/** One format of an export menu. */
export interface ExportChoice<F extends string> {
  format: F;
  label: string;
  hint: string;
  icon: typeof FileText;
}

export interface ExportLauncherProps<F extends string> {
  /** The trigger's name and the menu's accessible name. */
  label: string;
  testId: string;
  triggerClassName?: string;
  /** The menu's heading ("Export 7 records"). */
  head: string;
  /** Under the formats: what is exported. */
  note: string;
  formats: readonly ExportChoice<F>[];
  noun: ExportNoun;
  browserNote: string;
  /** Starts the export job for a format (the channel's call) and says what it covers. */
  begin(format: F): Promise<{ started: ExportStarted; description: string }>;
}

/**
 * An Export button with its formats, and the job it starts: a browser download headless (the
 * desktop shell shows its save dialog instead), then the progress dialog.
 */
export function ExportLauncher<F extends string>({ label, testId, triggerClassName, head, note, formats, noun, browserNote, begin }: ExportLauncherProps<F>) {
  const [running, setRunning] = useState<{ started: ExportStarted & { job_id: string }; description: string } | null>(null);
  const start = async (format: F) => {
    try {
      useJobs.getState().listen();
      const { started, description } = await begin(format);
      if (started.job_id === null) return; // the save dialog was cancelled
      whenJobEnds(started.job_id, (last) => toastExportEnd(last, started, noun));
      if (started.download) download(started.download, started.file_name);
      setRunning({ started: { ...started, job_id: started.job_id }, description });
    } catch (err) {
      toastError(`Could not export: ${errorMessage(err)}`);
    }
  };
  return (
    <>
      <Popover
        label={label}
        testId={testId}
        {...(triggerClassName ? { triggerClassName } : {})}
        trigger={
          <>
            <Download size={14} aria-hidden="true" />
            Export
          </>
        }
      >
        {(close) => (
          <>
            <div className="ui-popover-head">{head}</div>
            <div className="ui-popover-section">
              {formats.map(({ format, label: name, hint, icon: Icon }) => (
                <button
                  key={format}
                  type="button"
                  className="ui-popover-item export-item"
                  onClick={() => {
                    close();
                    void start(format);
                  }}
                >
                  <Icon size={14} aria-hidden="true" />
                  <span className="export-label">{name}</span>
                  <span className="faint text-sm">{hint}</span>
                </button>
              ))}
            </div>
            <p className="ui-popover-note">{note}</p>
          </>
        )}
      </Popover>
      {running ? <ExportProgress started={running.started} description={running.description} noun={noun} browserNote={browserNote} onClose={() => setRunning(null)} /> : null}
    </>
  );
}
