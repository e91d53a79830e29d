import { Plus, Tag, X } from 'lucide-react';
import '../../components/dialog.css';
import { useEffect, useId, useRef, useState } from 'react';
import { MAX_ALERT_TAGS, type Alert } from '../../../main/contract/alerts.js';
import { api } from '../../api/index.js';
import { alertsHref } from '../../app/router.js';
import { parseTags } from '../../lib/tags.js';
import { useTriage } from '../../stores/triage.js';

/**
 * An alert's tags: each one links to the alerts carrying it and can be removed; "Tag" opens a box
 * that suggests the tags already in use (Enter adds, Escape closes). Several tags can be typed at
 * once, separated by commas or spaces.
 */
export function TagEditor({ alert }: { alert: Alert }) {
  const [adding, setAdding] = useState(false);
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [known, setKnown] = useState<string[]>([]);
  const input = useRef<HTMLInputElement>(null);
  const addButton = useRef<HTMLButtonElement>(null);
  const listId = useId();
  const errorId = useId();

  useEffect(() => {
    if (!adding) return;
    input.current?.focus();
    let live = true;
    api
      .call('alerts.tags', {})
      .then((tags) => {
        if (live) setKnown(tags.map((t) => t.tag));
      })
      .catch(() => undefined); // suggestions only: typing still works without them
    return () => {
      live = false;
    };
  }, [adding]);

  const refocus = useRef(false);
  const close = () => {
    refocus.current = true;
    setAdding(false);
    setText('');
    setError(null);
  };
  // the Tag button is back once the box is gone: it gets the focus the box had
  useEffect(() => {
    if (adding || !refocus.current) return;
    refocus.current = false;
    addButton.current?.focus();
  }, [adding]);

  const change = async (add: string[], remove: string[]) => {
    setBusy(true);
    const err = await useTriage.getState().tag([alert.id], add, remove);
    setBusy(false);
    return err;
  };

  const submit = async () => {
    const parsed = parseTags(text);
    if (parsed.error !== null) return setError(parsed.error);
    if (parsed.tags.length === 0) return close();
    const err = await change(parsed.tags, []);
    if (err) setError(err);
    else close();
  };

  return (
    <div className="d-tags" role="group" aria-label="Tags">
      <Tag size={13} className="faint" aria-hidden="true" />
      {alert.tags.length === 0 && !adding ? <span className="faint text-sm">No tags</span> : null}
      <ul className="d-tag-list">
        {alert.tags.map((t) => (
          <li key={t} className="d-tag" data-testid="alert-tag">
            <a href={alertsHref({ tag: t })} title={`Alerts tagged ${t}`}>
              {t}
            </a>
            <button type="button" className="d-tag-remove" aria-label={`Remove tag ${t}`} disabled={busy} onClick={() => void change([], [t])}>
              <X size={11} aria-hidden="true" />
            </button>
          </li>
        ))}
      </ul>
      {adding ? (
        <form
          className="d-tag-form"
          onSubmit={(e) => {
            e.preventDefault();
            void submit();
          }}
        >
          <input
            ref={input}
            className="ui-input d-tag-input mono"
            aria-label="New tags"
            placeholder="phishing, ticket-42"
            list={listId}
            value={text}
            maxLength={400}
            disabled={busy}
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? errorId : undefined}
            onChange={(e) => {
              setText(e.target.value);
              setError(null);
            }}
            onKeyDown={(e) => {
              if (e.key === 'Escape') {
                e.preventDefault();
                e.stopPropagation();
                close();
              }
            }}
          />
          <datalist id={listId}>
            {known
              .filter((k) => !alert.tags.includes(k))
              .map((k) => (
                <option key={k} value={k} />
              ))}
          </datalist>
          <button type="submit" className="button small primary" disabled={busy}>
            Add
          </button>
          {error ? (
            <span id={errorId} className="ui-field-error" role="alert">
              {error}
            </span>
          ) : null}
        </form>
      ) : (
        <button
          ref={addButton}
          type="button"
          className="button small ghost"
          disabled={alert.tags.length >= MAX_ALERT_TAGS}
          title={alert.tags.length >= MAX_ALERT_TAGS ? `An alert keeps at most ${MAX_ALERT_TAGS} tags` : 'Add tags'}
          data-testid="add-tag"
          onClick={() => setAdding(true)}
        >
          <Plus size={12} aria-hidden="true" />
          Tag
        </button>
      )}
    </div>
  );
}
