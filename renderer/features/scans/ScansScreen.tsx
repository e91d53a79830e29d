import '../sources/sources.css';
import './scans.css';
import { CircleStop, Download, LoaderCircle, Play, Radar, RotateCw, TriangleAlert } from 'lucide-react';
import { useEffect, useId, useState } from 'react';
import type { ConnectorView } from '../../../main/contract/connectors.js';
import type { Scan, ScanChoices, ScanOptions } from '../../../main/contract/scans.js';
import { api, errorMessage } from '../../api/index.js';
import { Dialog } from '../../components/Dialog.js';
import { EmptyState } from '../../components/EmptyState.js';
import { LoadFailed } from '../../components/LoadFailed.js';
import { formatCount, formatDuration, formatLocalFull, formatLocalTime, utcTitle } from '../../lib/format.js';
import { toastFailure, toastSuccess } from '../../stores/toasts.js';
import { SCAN_STATUS_LABEL, TOOL_LABEL, canResume, progressText, targetProblem } from './model.js';
import { useScans } from './store.js';
import { replaceHash, scansHref } from '../../app/router.js';

type ScanAliveTest = Extract<ScanOptions, { tool: 'gvm' }>['aliveTest'];

const SCANNERS = ['gvm', 'zap', 'spiderfoot'] as const;
type ScannerKind = (typeof SCANNERS)[number];

const TARGET_PLACEHOLDER: Record<ScannerKind, string> = {
  gvm: '10.0.0.5, 10.0.1.0/24, db01.corp.example',
  zap: 'https://app.example.com/',
  spiderfoot: 'example.com, 203.0.113.0/24, 198.51.100.7',
};

type GvmChoice = { scanConfig: string; portList: string; scanner: string; aliveTest: string };

/** Greenbone's options as gvmd lists them now (never hard-coded ids); the server's defaults preselected. */
function GvmOptions({ connectorId, value, onChange }: { connectorId: string; value: GvmChoice | null; onChange: (v: GvmChoice | null) => void }) {
  const id = useId();
  const [choices, setChoices] = useState<ScanChoices | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    setChoices(null);
    setError(null);
    onChange(null);
    api.call('scans.choices', { connector_id: connectorId }).then(
      (c) => {
        if (!live) return;
        setChoices(c);
        onChange({ scanConfig: c.defaults.scan_config ?? '', portList: c.defaults.port_list ?? '', scanner: c.defaults.scanner ?? '', aliveTest: '' });
      },
      (err: unknown) => live && setError(errorMessage(err)),
    );
    return () => {
      live = false;
    };
    // onChange is the parent's state setter (stable): the lists are asked for again only for another connector
  }, [connectorId, onChange]);
  if (error) {
    return (
      <p className="error-text" role="alert" data-testid="gvm-choices-error">
        {error}
      </p>
    );
  }
  if (!choices || !value) {
    return (
      <p className="faint" data-testid="gvm-choices-loading">
        <LoaderCircle size={12} className="spin" aria-hidden="true" /> Asking gvmd for its scan configs, port lists and scanners…
      </p>
    );
  }
  const lists = [
    ['scanConfig', 'Scan config', choices.scan_configs],
    ['portList', 'Port list', choices.port_lists],
    ['scanner', 'gvmd scanner', choices.scanners],
  ] as const;
  return (
    <div className="scan-options-grid" data-testid="gvm-options">
      {lists.map(([key, label, list]) => (
        <div className="ui-field" key={key}>
          <label className="ui-field-label" htmlFor={`${id}-${key}`}>
            {label}
          </label>
          <select id={`${id}-${key}`} className="ui-input" value={value[key]} onChange={(e) => onChange({ ...value, [key]: e.target.value })} disabled={!list.length}>
            {list.length === 0 ? <option value="">None listed (is the feed synced?)</option> : null}
            {list.map((x) => (
              <option key={x.id} value={x.id} title={x.comment}>
                {x.name}
              </option>
            ))}
          </select>
        </div>
      ))}
      <div className="ui-field">
        <label className="ui-field-label" htmlFor={`${id}-alive`}>
          Alive test
        </label>
        <select id={`${id}-alive`} className="ui-input" value={value.aliveTest} onChange={(e) => onChange({ ...value, aliveTest: e.target.value })}>
          <option value="">The scan config's default</option>
          {choices.alive_tests.map((t) => (
            <option key={t} value={t}>
              {t}
            </option>
          ))}
        </select>
      </div>
    </div>
  );
}

/** The start form: a scanner, a target and the tool's options. */
function StartDialog({ onClose, initialTarget, preferred }: { onClose: () => void; initialTarget: string; preferred: ScannerKind | null }) {
  const id = useId();
  const [connectors, setConnectors] = useState<ConnectorView[] | null>(null);
  const [connectorId, setConnectorId] = useState('');
  const [target, setTarget] = useState(initialTarget);
  const [spider, setSpider] = useState(true);
  const [active, setActive] = useState(true);
  const [useCase, setUseCase] = useState<'all' | 'footprint' | 'investigate' | 'passive'>('passive');
  const [gvm, setGvm] = useState<GvmChoice | null>(null);
  const [stall, setStall] = useState('15');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    void api.call('connectors.list').then(
      (list) => {
        const scanners = list.filter((c) => (SCANNERS as readonly string[]).includes(c.config.kind) && c.config.enabled);
        setConnectors(scanners);
        const first = scanners.find((c) => c.config.kind === preferred) ?? scanners[0];
        if (first) setConnectorId(first.config.id);
      },
      (err: unknown) => setError(errorMessage(err)),
    );
  }, []);

  const chosen = connectors?.find((c) => c.config.id === connectorId) ?? null;
  const kind = (chosen?.config.kind ?? 'zap') as ScannerKind;
  const problem = chosen ? targetProblem(kind, target) : 'Add a Greenbone, ZAP or SpiderFoot connector under Tools first.';
  const optionsReady = kind !== 'gvm' || (gvm !== null && !!gvm.scanConfig && !!gvm.portList && !!gvm.scanner);

  const start = async () => {
    if (!chosen || problem || !optionsReady) return;
    setBusy(true);
    setError(null);
    try {
      const options =
        kind === 'zap'
          ? { tool: 'zap' as const, spider, activeScan: active }
          : kind === 'gvm' && gvm
            ? { tool: 'gvm' as const, scanConfig: gvm.scanConfig, portList: gvm.portList, scanner: gvm.scanner, aliveTest: (gvm.aliveTest || null) as ScanAliveTest }
            : { tool: 'spiderfoot' as const, useCase };
      const scan = await useScans.getState().start({ connector_id: chosen.config.id, target: target.trim(), options, stall_minutes: Math.max(1, Number(stall) || 15) });
      toastSuccess(`Scan #${scan.id} started on ${chosen.config.name}`);
      onClose();
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
    }
  };

  // nothing to start a scan on: say so and where to add one, instead of an empty form
  if (connectors !== null && connectors.length === 0) {
    return (
      <Dialog
        title="Start a scan"
        onClose={onClose}
        testId="start-scan-dialog"
        footer={
          <button type="button" className="button ghost" onClick={onClose}>
            Close
          </button>
        }
      >
        <EmptyState
          icon={<Radar size={26} />}
          title="No scanner connected"
          actions={
            <a className="button primary" href="#/tools" onClick={onClose}>
              Connect a scanner
            </a>
          }
        >
          <p>
            {initialTarget.trim() ? (
              <>
                To scan <code className="mono">{initialTarget.trim()}</code>, add a scanner first:{' '}
              </>
            ) : null}
            Scans run on Greenbone (OpenVAS), OWASP ZAP or SpiderFoot. Add one of them on Tools (an enabled connector), then start its scans here.
          </p>
        </EmptyState>
      </Dialog>
    );
  }

  return (
    <Dialog
      title="Start a scan"
      description="The scan runs on the tool; Vigil follows it and imports its results when it ends."
      onClose={onClose}
      busy={busy}
      testId="start-scan-dialog"
      footer={
        <>
          <button type="button" className="button ghost" onClick={onClose} disabled={busy}>
            Cancel
          </button>
          <button type="button" className="button primary" onClick={() => void start()} disabled={busy || !!problem || !optionsReady} data-testid="start-scan-confirm">
            {busy ? <LoaderCircle size={14} className="spin" aria-hidden="true" /> : <Play size={14} aria-hidden="true" />}
            Start scan
          </button>
        </>
      }
    >
      <div className="ui-field">
        <label className="ui-field-label" htmlFor={`${id}-c`}>
          Scanner
        </label>
        <select id={`${id}-c`} className="ui-input" value={connectorId} onChange={(e) => setConnectorId(e.target.value)} disabled={!connectors?.length}>
          {(connectors ?? []).map((c) => (
            <option key={c.config.id} value={c.config.id}>
              {c.config.name} ({TOOL_LABEL[c.config.kind as ScannerKind]})
            </option>
          ))}
        </select>
      </div>
      <div className="ui-field">
        <label className="ui-field-label" htmlFor={`${id}-t`}>
          Target
        </label>
        <input
          id={`${id}-t`}
          className="ui-input mono"
          value={target}
          onChange={(e) => setTarget(e.target.value)}
          placeholder={TARGET_PLACEHOLDER[kind]}
          autoComplete="off"
          spellCheck={false}
          data-testid="scan-target"
        />
        {target && problem ? <p className="field-hint error-text">{problem}</p> : null}
      </div>
      {kind === 'gvm' && chosen ? (
        <GvmOptions connectorId={chosen.config.id} value={gvm} onChange={setGvm} />
      ) : kind === 'zap' ? (
        <div className="scan-options">
          <label className="ui-check">
            <input type="checkbox" checked={spider} onChange={(e) => setSpider(e.target.checked)} /> Spider first
          </label>
          <label className="ui-check">
            <input type="checkbox" checked={active} onChange={(e) => setActive(e.target.checked)} /> Active scan (sends attacks)
          </label>
        </div>
      ) : (
        <div className="ui-field">
          <label className="ui-field-label" htmlFor={`${id}-u`}>
            Use case
          </label>
          <select id={`${id}-u`} className="ui-input" value={useCase} onChange={(e) => setUseCase(e.target.value as typeof useCase)}>
            <option value="passive">Passive (no contact with the target)</option>
            <option value="footprint">Footprint</option>
            <option value="investigate">Investigate</option>
            <option value="all">All modules</option>
          </select>
        </div>
      )}
      <div className="ui-field">
        <label className="ui-field-label" htmlFor={`${id}-s`}>
          Flag as stalled after (minutes without progress)
        </label>
        <input id={`${id}-s`} className="ui-input num" type="number" min={1} max={10080} value={stall} onChange={(e) => setStall(e.target.value)} />
      </div>
      {error ? (
        <p className="error-text" role="alert">
          {error}
        </p>
      ) : null}
    </Dialog>
  );
}

function ProgressCell({ scan }: { scan: Scan }) {
  const stalled = scan.stalled_since !== null;
  return (
    <div className={`scan-progress${stalled ? ' is-stalled' : ''}`} data-testid="scan-progress">
      {scan.progress !== null ? (
        <div className="scan-bar" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.floor(scan.progress)} aria-label={`Scan ${scan.id} progress`}>
          <span style={{ width: `${scan.progress}%` }} />
        </div>
      ) : null}
      <span className={stalled ? 'scan-stalled' : 'faint'}>
        {stalled ? <TriangleAlert size={12} aria-hidden="true" /> : null} {progressText(scan)}
      </span>
    </div>
  );
}

function ScanLog() {
  const detail = useScans((s) => s.detail);
  const diff = useScans((s) => s.diff);
  if (!detail) return null;
  const s = detail.scan;
  return (
    <section className="scan-log" aria-label={`Log of scan ${s.id}`} data-testid="scan-log">
      <h2 className="subhead">
        Scan #{s.id} · {TOOL_LABEL[s.tool]} · <span className="mono">{s.target}</span>
      </h2>
      {s.error ? (
        <p className="error-text" role="alert">
          {s.error}
        </p>
      ) : null}
      {diff ? (
        <p className="scan-diff" data-testid="scan-diff">
          {diff.previous_id === null
            ? `First run of this target: ${formatCount(diff.new.total)} findings.`
            : `Against scan #${diff.previous_id}: ${formatCount(diff.new.total)} new, ${formatCount(diff.still.total)} still there, ${formatCount(diff.gone.total)} gone (fixed).`}
        </p>
      ) : null}
      <ol>
        {detail.log.map((l, i) => (
          <li key={i} className={`log-${l.level}`}>
            <time title={utcTitle(l.ts)}>{formatLocalFull(l.ts)}</time> <span>{l.message}</span>
          </li>
        ))}
      </ol>
    </section>
  );
}

/** Which scanner fits a target best: ZAP for a web address, Greenbone for hosts, else SpiderFoot. */
function preferredKind(target: string): ScannerKind {
  if (/^https?:\/\//i.test(target.trim())) return 'zap';
  return targetProblem('gvm', target) === null && !/@/.test(target) ? 'gvm' : 'spiderfoot';
}

export function ScansScreen({ target = null }: { target?: string | null }) {
  const { scans, status, error, selected } = useScans();
  // "Scan…" from a host or a value lands here with its target: the start form opens on it
  const [starting, setStarting] = useState(target !== null);
  useEffect(() => {
    if (target !== null) setStarting(true);
  }, [target]);
  useEffect(() => useScans.getState().startLive(), []);

  const act = async (fn: () => Promise<void>, done: string) => {
    try {
      await fn();
      toastSuccess(done);
    } catch (err) {
      toastFailure(err);
    }
  };

  return (
    <section className="screen" aria-labelledby="scans-title">
      <header className="screen-header">
        <h1 id="scans-title" className="screen-title" tabIndex={-1}>
          Scans
        </h1>
        <span className="header-spacer" />
        <button type="button" className="button primary" onClick={() => setStarting(true)} data-testid="new-scan">
          <Play size={14} aria-hidden="true" /> New scan
        </button>
      </header>
      <p className="screen-lede">Every scan on every scanner: progress, estimate, stalls, errors. Results land in Findings when a scan ends.</p>
      {status === 'error' ? (
        <LoadFailed title="Scans could not be loaded" message={error ?? ''} onRetry={() => void useScans.getState().load()} />
      ) : status !== 'ready' ? null : scans.length === 0 ? (
        <EmptyState icon={<Radar size={28} />} title="No scans yet">
          Start a Greenbone, ZAP or SpiderFoot scan on a target; add the scanner under Tools first.
        </EmptyState>
      ) : (
        <div className="table-wrap">
          <table className="data-table scans-table" data-testid="scans-table">
            <thead>
              <tr>
                <th>#</th>
                <th>Tool</th>
                <th>Target</th>
                <th>Status</th>
                <th className="scan-progress-col">Progress</th>
                <th>Started</th>
                <th className="r">Elapsed</th>
                <th className="r">Findings</th>
                <th>
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {scans.map((s) => (
                <tr key={s.id} aria-selected={selected === s.id} onClick={() => void useScans.getState().select(s.id)} data-testid={`scan-row-${s.id}`}>
                  <td className="num">{s.id}</td>
                  <td>{TOOL_LABEL[s.tool]}</td>
                  <td title={s.target}>
                    <span className="mono ellipsis scan-target">{s.target}</span>
                  </td>
                  <td>
                    <span className={`scan-status scan-status-${s.status}`}>{SCAN_STATUS_LABEL[s.status]}</span>
                    {s.error && s.status !== 'failed' ? <TriangleAlert size={12} className="scan-warn" aria-label={s.error} /> : null}
                  </td>
                  <td>
                    <ProgressCell scan={s} />
                  </td>
                  <td title={utcTitle(s.started_at)}>{formatLocalTime(s.started_at)}</td>
                  <td className="num r">{formatDuration(s.elapsed_ms / 1000)}</td>
                  <td className="num r">
                    <a href={`#/findings?scan=${s.id}`} onClick={(e) => e.stopPropagation()}>
                      {formatCount(s.imported)}
                    </a>
                  </td>
                  <td className="r">
                    {s.status === 'running' ? (
                      <button type="button" className="button small" onClick={(e) => (e.stopPropagation(), void act(() => useScans.getState().stop(s.id), `Scan #${s.id} stopped`))}>
                        <CircleStop size={12} aria-hidden="true" /> Stop
                      </button>
                    ) : s.status !== 'importing' ? (
                      <span className="scan-actions">
                        {canResume(s) ? (
                          <button type="button" className="button small" onClick={(e) => (e.stopPropagation(), void act(() => useScans.getState().resume(s.id), `Scan #${s.id} resumed`))}>
                            <RotateCw size={12} aria-hidden="true" /> Resume
                          </button>
                        ) : null}
                        <button type="button" className="button small ghost" onClick={(e) => (e.stopPropagation(), void act(() => useScans.getState().importNow(s.id), `Scan #${s.id} imported`))}>
                          <Download size={12} aria-hidden="true" /> Re-import
                        </button>
                      </span>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <ScanLog />
      {starting ? (
        <StartDialog
          key={target ?? ''}
          initialTarget={target ?? ''}
          preferred={target ? preferredKind(target) : null}
          onClose={() => {
            setStarting(false);
            if (target) replaceHash(scansHref(null));
          }}
        />
      ) : null}
    </section>
  );
}
