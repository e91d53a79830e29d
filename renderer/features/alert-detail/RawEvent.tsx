import { Copy } from 'lucide-react';
import { useId, useMemo, useState } from 'react';
import { errorMessage } from '../../api/index.js';
import { toastError, useToasts } from '../../stores/toasts.js';
import { formatJson, rawOnlyReason } from './json.js';
import { copyText as copy } from '../../lib/clipboard.js';

/** Copies, or throws so the caller can say it failed. */
async function copyText(text: string): Promise<void> {
  if (!(await copy(text))) throw new Error('the browser refused to copy');
}


/** One raw event: pretty-printed from its text (digits kept exact), with the original line for copying. */
export function RawEvent({ raw, label }: { raw: string; label: string }) {
  const [view, setView] = useState<'pretty' | 'original'>('pretty');
  // one radio group per raw view: the Evidence section can show several at once
  const group = `raw-view-${useId()}`;
  const tokens = useMemo(() => formatJson(raw), [raw]);
  const copy = () =>
    copyText(raw).then(
      () => useToasts.getState().push('success', 'Raw event copied (original line)'),
      (err: unknown) => toastError(`Could not copy: ${errorMessage(err)}`),
    );

  return (
    <div className="ad-raw-event" data-testid="raw-event">
      <div className="ad-raw-head">
        <span className="ad-raw-label">{label}</span>
        {tokens ? (
          <div className="ui-segmented small" role="radiogroup" aria-label="Raw event view">
            {(['pretty', 'original'] as const).map((v) => (
              <label key={v}>
                <input type="radio" name={group} checked={view === v} onChange={() => setView(v)} />
                <span>{v === 'pretty' ? 'Pretty' : 'Original'}</span>
              </label>
            ))}
          </div>
        ) : (
          <span className="faint text-sm">{rawOnlyReason(raw)}</span>
        )}
        <button type="button" className="button small" onClick={() => void copy()}>
          <Copy size={12} aria-hidden="true" />
          Copy
        </button>
      </div>
      <pre className={`ad-raw-pre${view === 'original' || !tokens ? ' ad-wrap' : ''}`} tabIndex={0} aria-label={`${label}, JSON`}>
        {view === 'pretty' && tokens
          ? tokens.map((t, i) => (t.kind === 'space' || t.kind === 'punct' ? t.text : <span key={i} className={`j-${t.kind}`}>{t.text}</span>))
          : raw}
      </pre>
    </div>
  );
}
