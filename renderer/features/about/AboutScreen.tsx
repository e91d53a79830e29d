import { Activity, CircleCheck, CircleX, Info, RefreshCw, ScrollText, TriangleAlert } from 'lucide-react';
import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import type { AppHealth, AppInfo } from '../../../main/contract/app.js';
import { api, errorMessage } from '../../api/index.js';
import { formatBytes, formatCount, formatDuration } from '../../lib/format.js';

export const HEALTH_REFRESH_MS = 5000;

type Loadable<T> = { data: T | null; error: string | null; at: number | null };

function useInfo(): [Loadable<AppInfo>, () => void] {
  const [state, setState] = useState<Loadable<AppInfo>>({ data: null, error: null, at: null });
  const load = useCallback(() => {
    void api.call('app.info').then(
      (data) => setState({ data, error: null, at: Date.now() }),
      (err: unknown) => setState((s) => ({ ...s, error: errorMessage(err) })),
    );
  }, []);
  useEffect(load, [load]);
  return [state, load];
}

function useHealth(): [Loadable<AppHealth>, () => void] {
  const [state, setState] = useState<Loadable<AppHealth>>({ data: null, error: null, at: null });
  const inFlight = useRef(false);
  const load = useCallback(() => {
    if (inFlight.current) return;
    inFlight.current = true;
    void api
      .call('app.health')
      .then(
        (data) => setState({ data, error: null, at: Date.now() }),
        (err: unknown) => setState((s) => ({ ...s, error: errorMessage(err) })),
      )
      .finally(() => {
        inFlight.current = false;
      });
  }, []);
  useEffect(() => {
    load();
    const t = setInterval(() => {
      if (document.visibilityState === 'visible') load();
    }, HEALTH_REFRESH_MS);
    return () => clearInterval(t);
  }, [load]);
  return [state, load];
}

function Field({ label, children, mono }: { label: string; children: ReactNode; mono?: boolean }) {
  return (
    <div className="field">
      <dt>{label}</dt>
      <dd className={mono ? 'mono break' : undefined}>{children}</dd>
    </div>
  );
}

function Card({ title, icon, actions, children, labelId }: { title: string; icon: ReactNode; actions?: ReactNode; children: ReactNode; labelId: string }) {
  return (
    <section className="card" aria-labelledby={labelId}>
      <div className="card-head">
        <span className="card-icon" aria-hidden="true">
          {icon}
        </span>
        <h2 id={labelId}>{title}</h2>
        <div className="header-spacer" />
        {actions}
      </div>
      <div className="card-body">{children}</div>
    </section>
  );
}

function InlineError({ message, onRetry }: { message: string; onRetry: () => void }) {
  return (
    <div className="inline-error" role="alert">
      <TriangleAlert size={14} aria-hidden="true" />
      <span>{message}</span>
      <button type="button" className="button small" onClick={onRetry}>
        Retry
      </button>
    </div>
  );
}

function SkeletonLines({ n }: { n: number }) {
  return (
    <div className="skeleton-lines" aria-hidden="true">
      {Array.from({ length: n }, (_, i) => (
        <span key={i} className="skeleton" />
      ))}
    </div>
  );
}

function InfoCard({ info, onRetry }: { info: Loadable<AppInfo>; onRetry: () => void }) {
  const d = info.data;
  return (
    <Card title="Application" icon={<Info size={15} />} labelId="about-app">
      {info.error && !d ? <InlineError message={`Could not load app info: ${info.error}`} onRetry={onRetry} /> : null}
      {d ? (
        <dl className="fields">
          <Field label="Name">{d.name}</Field>
          <Field label="Version">
            <span className="num">{d.version}</span>
          </Field>
          <Field label="Mode">{d.mode === 'desktop' ? 'Desktop (Electron)' : 'Headless (vigil serve)'}</Field>
          <Field label="Platform" mono>
            {d.platform}
          </Field>
          <Field label="Node.js" mono>
            {d.node_version}
          </Field>
          <Field label="Electron" mono={d.electron_version !== null}>
            {d.electron_version ?? <span className="faint">Not running in Electron</span>}
          </Field>
          <Field label="Schema version">
            <span className="num">{d.schema_version}</span>
          </Field>
          <Field label="Data directory" mono>
            {d.data_dir}
          </Field>
          <Field label="Database" mono>
            {d.db_path}
          </Field>
        </dl>
      ) : info.error ? null : (
        <SkeletonLines n={6} />
      )}
    </Card>
  );
}

function HealthCard({ health, onRefresh }: { health: Loadable<AppHealth>; onRefresh: () => void }) {
  const h = health.data;
  const badge = h ? (
    <span className={`health-badge ${h.ok ? 'ok' : 'bad'}`} data-testid="health-badge">
      {h.ok ? <CircleCheck size={13} aria-hidden="true" /> : <TriangleAlert size={13} aria-hidden="true" />}
      {h.ok ? 'OK' : 'Degraded'}
    </span>
  ) : null;
  return (
    <Card
      title="Health"
      icon={<Activity size={15} />}
      labelId="about-health"
      actions={
        <>
          {badge}
          <button type="button" className="icon-button small" aria-label="Refresh health" title="Refresh health" onClick={onRefresh}>
            <RefreshCw size={13} aria-hidden="true" />
          </button>
        </>
      }
    >
      {health.error ? <InlineError message={`Health check failed: ${health.error}`} onRetry={onRefresh} /> : null}
      {h ? (
        <>
          <ul className="checks" aria-label="Health checks">
            {h.checks.map((c) => (
              <li key={c.name} className={`check ${c.ok ? 'ok' : 'bad'}`}>
                {c.ok ? <CircleCheck size={14} aria-hidden="true" /> : <CircleX size={14} aria-hidden="true" />}
                <span className="check-name">{c.name}</span>
                <span className="visually-hidden">{c.ok ? ': OK' : ': failing'}</span>
                <span className="check-detail">{c.detail}</span>
              </li>
            ))}
            {h.checks.length === 0 ? <li className="faint">No checks reported.</li> : null}
          </ul>
          <dl className="stats">
            <div className="stat">
              <dt>Alerts</dt>
              <dd className="num">{formatCount(h.db.alerts)}</dd>
            </div>
            <div className="stat">
              <dt>Database size</dt>
              <dd className="num">{formatBytes(h.db.size_bytes)}</dd>
            </div>
            <div className="stat">
              <dt>WAL size</dt>
              <dd className="num">{formatBytes(h.db.wal_bytes)}</dd>
            </div>
            <div className="stat">
              <dt>Journal mode</dt>
              <dd className="mono">{h.db.journal_mode}</dd>
            </div>
            <div className="stat">
              <dt>Memory (RSS)</dt>
              <dd className="num">{formatBytes(h.memory.rss_bytes)}</dd>
            </div>
            <div className="stat">
              <dt>Heap used</dt>
              <dd className="num">{formatBytes(h.memory.heap_used_bytes)}</dd>
            </div>
            <div className="stat">
              <dt>Uptime</dt>
              <dd className="num">{formatDuration(h.uptime_s)}</dd>
            </div>
          </dl>
          <p className="card-foot faint">
            Updated {health.at ? new Date(health.at).toLocaleTimeString() : '—'} · refreshes every {HEALTH_REFRESH_MS / 1000} s
          </p>
        </>
      ) : health.error ? null : (
        <SkeletonLines n={5} />
      )}
    </Card>
  );
}

function Attributions({ info }: { info: AppInfo | null }) {
  const list = info?.attributions ?? [];
  return (
    <section className="card attributions" aria-labelledby="about-attributions">
      <div className="card-head">
        <span className="card-icon" aria-hidden="true">
          <ScrollText size={15} />
        </span>
        <h2 id="about-attributions">Attributions</h2>
      </div>
      <div className="card-body">
        {info === null ? (
          <SkeletonLines n={2} />
        ) : list.length === 0 ? (
          <p className="faint">This build bundles no third-party data that needs an attribution.</p>
        ) : (
          <ul className="attribution-list">
            {list.map((a) => (
              <li key={a.name}>
                <h3>{a.name}</h3>
                <p>{a.notice}</p>
              </li>
            ))}
          </ul>
        )}
      </div>
    </section>
  );
}

export function AboutScreen() {
  const [info, reloadInfo] = useInfo();
  const [health, reloadHealth] = useHealth();
  return (
    <div className="screen about-screen">
      <div className="screen-header about-header">
        <h1 tabIndex={-1}>About Vigil</h1>
        {info.data ? (
          <span className="version-pill num" data-testid="app-version">
            Version {info.data.version}
          </span>
        ) : null}
      </div>
      <p className="screen-lede">
        A desktop SOC console with its own threat pipeline, local SQLite storage and a LAN alert feed.
      </p>
      <div className="about-grid">
        <InfoCard info={info} onRetry={reloadInfo} />
        <HealthCard health={health} onRefresh={reloadHealth} />
      </div>
      <Attributions info={info.data} />
    </div>
  );
}
