import { Check, ChevronRight, Copy, FileExclamationPoint, RefreshCw } from 'lucide-react';
import { Fragment, useEffect, useState } from 'react';
import type { QuarantineItem } from '../../../main/contract/pipeline.js';
import { Panel, PanelNote, PanelSkeleton } from '../../components/charts/Panel.js';
import { formatCount, formatLocalTime, utcTitle } from '../../lib/format.js';
import { useSources } from '../../stores/sources.js';
import { copyText } from '../../lib/clipboard.js';


function CopyButton({ text }: { text: string }) {
  const [copied, setCopied] = useState(false);
  useEffect(() => {
    if (!copied) return;
    const t = setTimeout(() => setCopied(false), 1600);
    return () => clearTimeout(t);
  }, [copied]);
  return (
    <button type="button" className="button small" onClick={() => void copyText(text).then(setCopied)} aria-live="polite">
      {copied ? <Check size={12} aria-hidden="true" /> : <Copy size={12} aria-hidden="true" />}
      {copied ? 'Copied' : 'Copy raw line'}
    </button>
  );
}

function fileBase(p: string): string {
  const parts = p.split(/[\\/]/);
  return parts[parts.length - 1] || p;
}

function Item({ item, open, onToggle }: { item: QuarantineItem; open: boolean; onToggle: () => void }) {
  // a file line (eve.json:12), or an indexer hit (its index and _id)
  const where = item.file ? `${fileBase(item.file)}${item.line !== null ? `:${item.line}` : ''}${item.record_id !== null ? ` ${item.record_id}` : ''}` : item.source_id;
  const rawId = `q-raw-${item.id}`;
  return (
    <Fragment>
      <tr className={`q-row${open ? ' open' : ''}`} data-testid="quarantine-row">
        <td className="q-toggle-cell">
          <button
            type="button"
            className="icon-button small q-toggle"
            aria-expanded={open}
            aria-controls={rawId}
            aria-label={`${open ? 'Hide' : 'Show'} the raw line of ${where}`}
            onClick={onToggle}
          >
            <ChevronRight size={14} aria-hidden="true" />
          </button>
        </td>
        <td className="nowrap num" title={utcTitle(item.ts)}>
          {formatLocalTime(item.ts)}
        </td>
        <td className="q-where mono" title={item.file ?? item.source_id}>
          {where}
        </td>
        <td className="q-reason">
          <span className="q-format">{item.format}</span>
          {item.reason}
        </td>
      </tr>
      <tr className="q-raw-row" id={rawId} hidden={!open}>
        <td />
        <td colSpan={3}>
          {open ? (
            <div className="q-raw">
              <pre className="q-pre" tabIndex={0} aria-label={`Raw line ${where}`}>
                {item.raw}
              </pre>
              <div className="q-raw-actions">
                <span className="faint">
                  {item.file ? <span className="mono break">{item.file}</span> : null}
                  {item.offset !== null ? ` · byte ${formatCount(item.offset)}` : ''}
                  {item.record_id !== null ? ` · _id ${item.record_id}` : ''} · {formatCount(item.raw.length)} chars
                </span>
                <CopyButton text={item.raw} />
              </div>
            </div>
          ) : null}
        </td>
      </tr>
    </Fragment>
  );
}

export function QuarantinePanel() {
  const q = useSources((s) => s.quarantine);
  const [open, setOpen] = useState<ReadonlySet<number>>(new Set());

  useEffect(() => {
    void useSources.getState().loadQuarantine();
  }, []);

  const toggle = (id: number) =>
    setOpen((prev) => {
      const next = new Set(prev);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  let body;
  if (q.status === 'idle' || (q.status === 'loading' && q.items.length === 0)) body = <PanelSkeleton rows={5} />;
  else if (q.status === 'error' && q.items.length === 0)
    body = (
      <PanelNote tone="error">
        Could not load the quarantine: {q.error}{' '}
        <button type="button" className="link-button" onClick={() => void useSources.getState().loadQuarantine()}>
          Retry
        </button>
      </PanelNote>
    );
  else if (q.items.length === 0)
    body = (
      <PanelNote>
        Nothing quarantined. Lines that cannot be parsed (broken JSON, missing fields, oversized records) land here with the reason, instead of
        stopping the pipeline.
      </PanelNote>
    );
  else
    body = (
      <>
        <div className="table-wrap">
          <table className="data-table q-table" data-testid="quarantine-table">
            <caption className="visually-hidden">Quarantined lines, newest first</caption>
            <thead>
              <tr>
                <th scope="col">
                  <span className="visually-hidden">Raw line</span>
                </th>
                <th scope="col">Time</th>
                <th scope="col">File and line</th>
                <th scope="col">Reason</th>
              </tr>
            </thead>
            <tbody>
              {q.items.map((item) => (
                <Item key={item.id} item={item} open={open.has(item.id)} onToggle={() => toggle(item.id)} />
              ))}
            </tbody>
          </table>
        </div>
        <div className="q-foot">
          <span className="faint num">
            Showing {formatCount(q.items.length)} of {formatCount(q.total)}
          </span>
          {q.moreError ? <span className="error-text">{q.moreError}</span> : null}
          {q.items.length < q.total ? (
            <button type="button" className="button small" disabled={q.loadingMore} onClick={() => void useSources.getState().loadMoreQuarantine()}>
              {q.loadingMore ? 'Loading…' : 'Load more'}
            </button>
          ) : null}
        </div>
      </>
    );

  return (
    <Panel
      title="Quarantine"
      subtitle={q.status === 'ready' ? `${formatCount(q.total)} ${q.total === 1 ? 'line' : 'lines'}` : null}
      icon={<FileExclamationPoint size={15} />}
      className="panel-quarantine"
      testId="panel-quarantine"
      actions={
        <button
          type="button"
          className="icon-button small"
          aria-label="Refresh quarantine"
          title="Refresh quarantine"
          onClick={() => void useSources.getState().loadQuarantine()}
        >
          <RefreshCw size={13} aria-hidden="true" />
        </button>
      }
    >
      {body}
    </Panel>
  );
}
