import { Globe, LoaderCircle, Power, ShieldAlert } from 'lucide-react';
import { useCallback, useRef, useState, type ReactNode } from 'react';
import type { FeedConfig, FeedStatus } from '../../../main/contract/feed.js';
import { ApiError, errorMessage } from '../../api/index.js';
import { Dialog } from '../../components/Dialog.js';
import { formatCount } from '../../lib/format.js';
import { useFeed, type FeedConfigureInput } from '../../stores/feed.js';
import { toastSuccess } from '../../stores/toasts.js';
import { useFeedDraft } from './draft.js';
import { buildRequest, DIALECTS, describeHost, isLoopback, isWildcard, mapIssues, TOKENLESS } from './model.js';

type Source = 'switch' | 'settings';

interface Pending {
  kind: 'expose' | 'disable';
  request: FeedConfigureInput;
  source: Source;
  carriesDraft: boolean;
  /** What the configuration will be (for the explanation). */
  next: { host: string; port: number; tls: FeedConfig['tls']['mode']; tokenless: string[]; jwt: boolean };
  connected: number;
}

export interface ConfigureFlow {
  /** Turns the feed on (applying unsaved settings) or off; asks first when that exposes or cuts something. */
  setEnabled(on: boolean): void;
  /** Saves the settings draft; asks first when it newly exposes the feed on the network. */
  saveDraft(): void;
  /** Restarts a feed that is enabled but not running (after fixing what stopped it). */
  retry(): void;
  busy: boolean;
  /** A contract error of the last switch action (shown next to the switch). */
  switchError: string | null;
  dialog: ReactNode;
}

function focusFirstInvalid(): void {
  requestAnimationFrame(() => document.querySelector<HTMLElement>('.feed-settings [aria-invalid="true"]')?.focus());
}

/** What a configure request leads to, for the confirmation. */
function preview(req: FeedConfigureInput, current: FeedConfig): Pending['next'] & { enabled: boolean } {
  const p = req.patch ?? {};
  const dialect = (d: (typeof TOKENLESS)[number]) => p.dialects?.[d]?.enabled ?? current.dialects[d].enabled;
  return {
    enabled: p.enabled ?? current.enabled,
    host: p.host ?? current.host,
    port: p.port ?? current.port,
    tls: p.tls?.mode ?? current.tls.mode,
    tokenless: TOKENLESS.filter(dialect).map((d) => DIALECTS[d].label),
    jwt: p.jwt?.enabled ?? current.jwt.enabled,
  };
}

export function useConfigure(): ConfigureFlow {
  const [pending, setPending] = useState<Pending | null>(null);
  const [switchError, setSwitchError] = useState<string | null>(null);
  const busy = useFeed((s) => s.configuring);
  const cancelRef = useRef<HTMLButtonElement>(null);

  /** carriesDraft: the request holds the form's edits (saved: the form starts over from the result). */
  const run = useCallback(async (request: FeedConfigureInput, source: Source, carriesDraft: boolean) => {
    setSwitchError(null);
    const draftStore = useFeedDraft.getState();
    try {
      const status: FeedStatus = await useFeed.getState().configure(request);
      if (carriesDraft) draftStore.reset(status.config);
      if (source === 'settings') toastSuccess(status.running ? 'Feed settings saved and applied' : 'Feed settings saved');
    } catch (err) {
      const e = ApiError.from(err);
      const { fields, other } = mapIssues(e.issues ?? [], draftStore.draft);
      const mapped = Object.keys(fields).length > 0;
      const message = mapped && other.length === 0 ? `Not saved: Vigil refused ${Object.keys(fields).length === 1 ? 'a setting' : 'some settings'} (see the highlighted fields).` : e.message;
      useFeedDraft.getState().setErrors(fields, { message, issues: other });
      if (source === 'switch') setSwitchError(errorMessage(err));
      if (Object.keys(fields).length) focusFirstInvalid();
    }
  }, []);

  const request = useCallback(
    (req: FeedConfigureInput, source: Source, carriesDraft: boolean) => {
      const status = useFeed.getState().status;
      if (!status) return;
      const next = preview(req, status.config);
      const wasExposed = status.config.enabled && !isLoopback(status.config.host);
      const exposes = next.enabled && !isLoopback(next.host) && (!wasExposed || next.host !== status.config.host);
      const connected = status.totals?.connections_active ?? status.clients.length;
      if (exposes) return setPending({ kind: 'expose', request: req, source, carriesDraft, next, connected });
      if (!next.enabled && status.config.enabled && connected > 0) return setPending({ kind: 'disable', request: req, source, carriesDraft, next, connected });
      void run(req, source, carriesDraft);
    },
    [run],
  );

  const setEnabled = useCallback(
    (on: boolean) => {
      const status = useFeed.getState().status;
      if (!status) return;
      let req: FeedConfigureInput = { patch: { enabled: on } };
      let carriesDraft = false;
      const { draft, base } = useFeedDraft.getState();
      if (on && draft && base) {
        const built = buildRequest(draft, base);
        if (Object.keys(built.errors).length) {
          useFeedDraft.getState().setErrors(built.errors, { message: 'Fix the highlighted settings before turning the feed on.', issues: [] });
          setSwitchError('Some settings are not valid yet: see Settings below.');
          focusFirstInvalid();
          return;
        }
        if (built.changed) {
          req = { ...built.request, patch: { ...built.request.patch, enabled: true } };
          carriesDraft = true;
        }
      }
      request(req, 'switch', carriesDraft);
    },
    [request],
  );

  const saveDraft = useCallback(() => {
    const { draft, base } = useFeedDraft.getState();
    if (!draft || !base) return;
    const built = buildRequest(draft, base);
    if (Object.keys(built.errors).length) {
      useFeedDraft.getState().setErrors(built.errors, null);
      focusFirstInvalid();
      return;
    }
    if (!built.changed) return;
    request(built.request, 'settings', true);
  }, [request]);

  const retry = useCallback(() => {
    void (async () => {
      setSwitchError(null);
      try {
        await useFeed.getState().configure({ patch: { enabled: false } });
      } catch (err) {
        setSwitchError(errorMessage(err));
        return;
      }
      await run({ patch: { enabled: true } }, 'switch', false);
    })();
  }, [run]);

  const confirm = () => {
    if (!pending) return;
    const p = pending;
    setPending(null);
    void run(p.request, p.source, p.carriesDraft);
  };

  let dialog: ReactNode = null;
  if (pending?.kind === 'expose') {
    const { host, port, tls, tokenless, jwt } = pending.next;
    dialog = (
      <Dialog
        title="Share alerts on the network?"
        description={
          <>
            The feed will listen on <strong className="mono">{host}</strong>
            {port === 0 ? ' (a free port)' : <> port <strong className="mono">{port}</strong></>}, {describeHost(host)}
            {isWildcard(host) ? ' of this machine' : ''}. Anyone who can reach it can try to connect.
          </>
        }
        onClose={() => setPending(null)}
        initialFocus={cancelRef}
        size="md"
        testId="feed-expose-dialog"
        footer={
          <>
            <button ref={cancelRef} type="button" className="button ghost" onClick={() => setPending(null)}>
              Cancel
            </button>
            <button type="button" className="button primary" onClick={confirm}>
              <Globe size={14} aria-hidden="true" />
              {pending.source === 'switch' ? 'Turn on and share' : 'Save and share'}
            </button>
          </>
        }
      >
        <ul className="feed-exposure">
          <li>
            <strong>Every alert, live</strong>: titles, source and destination addresses and ports, rules, ATT&amp;CK techniques, statuses and assignees go to
            each teammate with a valid token{jwt ? ' or JWT' : ''}. Analyst tokens can also change alert statuses.
          </li>
          {tokenless.length ? (
            <li>
              <strong>{tokenless.join(' and ')}</strong> {tokenless.length === 1 ? 'needs' : 'need'} no token: every program on an allow-listed address
              receives alerts, web pages in its browser included.
            </li>
          ) : null}
          {tls === 'off' ? (
            <li className="feed-exposure-warn">
              <strong>TLS is off</strong>: alerts and tokens cross the network in clear text. Choose Self-signed under TLS to encrypt them.
            </li>
          ) : (
            <li>
              <strong>TLS is on</strong>: teammates should pin the certificate fingerprint shown on this screen.
            </li>
          )}
          <li>Failed attempts are rate-limited and every connection is audited. You can revoke any token at once.</li>
        </ul>
      </Dialog>
    );
  } else if (pending?.kind === 'disable') {
    dialog = (
      <Dialog
        title="Turn the feed off?"
        description={`${formatCount(pending.connected)} client${pending.connected === 1 ? ' is' : 's are'} connected and will be disconnected. Their dashboards will keep trying to reconnect.`}
        onClose={() => setPending(null)}
        initialFocus={cancelRef}
        size="sm"
        testId="feed-disable-dialog"
        footer={
          <>
            <button ref={cancelRef} type="button" className="button ghost" onClick={() => setPending(null)}>
              Cancel
            </button>
            <button type="button" className="button danger" onClick={confirm}>
              <Power size={14} aria-hidden="true" />
              Turn off
            </button>
          </>
        }
      >
        <p className="ui-callout">
          <ShieldAlert size={14} aria-hidden="true" />
          <span>Tokens are kept: turning the feed on again lets the same teammates back in.</span>
        </p>
      </Dialog>
    );
  }

  return { setEnabled, saveDraft, retry, busy, switchError, dialog };
}

/** The spinner shown in buttons while a configure call is in flight. */
export function BusyIcon() {
  return <LoaderCircle size={14} className="spin" aria-hidden="true" />;
}
