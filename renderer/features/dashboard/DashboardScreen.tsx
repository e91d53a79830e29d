import './dashboard.css';
import '../../components/charts/charts.css';
import { Crosshair, FlaskConical, ListOrdered, Radio, RefreshCw, Rocket, TriangleAlert } from 'lucide-react';
import { useEffect, useState } from 'react';
import { alertsHref } from '../../app/router.js';
import { EmptyState } from '../../components/EmptyState.js';
import { formatCount, formatMinutes } from '../../lib/format.js';
import { rangeFilter, rangeLabel, useDashboard } from '../../stores/dashboard.js';
import { DEMO_RUN, useSources } from '../../stores/sources.js';
import { Panel } from '../../components/charts/Panel.js';
import { AttackMatrixPanel } from './AttackMatrixPanel.js';
import { FindingsPanel } from './FindingsPanel.js';
import { KpiTiles } from './KpiTiles.js';
import { PipelinePanel } from './PipelinePanel.js';
import { RangePicker } from './RangePicker.js';
import { TopList } from './TopList.js';
import { TrendPanel } from './TrendPanel.js';
import { WorldMapPanel } from './WorldMapPanel.js';
import { widerRange } from './wider-range.js';
import { ToolsHealthBadge } from '../../components/ToolsHealthBadge.js';
import { LoadFailed } from '../../components/LoadFailed.js';

function useNow(intervalMs: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(t);
  }, [intervalMs]);
  return now;
}

/** "Live · updated 4 s ago" with a spinner while a refresh runs, or the refresh error. */
function LiveStatus() {
  const updatedAt = useDashboard((s) => s.updatedAt);
  const refreshing = useDashboard((s) => s.refreshing);
  const refreshError = useDashboard((s) => s.refreshError);
  const now = useNow(1000);
  if (refreshError) {
    return (
      <span className="live-status warn" role="status">
        <TriangleAlert size={13} aria-hidden="true" />
        Could not refresh: showing data from {updatedAt ? new Date(updatedAt).toLocaleTimeString() : 'earlier'}
        <button type="button" className="link-button" onClick={() => void useDashboard.getState().load()}>
          Retry
        </button>
      </span>
    );
  }
  if (!updatedAt) return null;
  const ago = Math.max(0, Math.round((now - updatedAt) / 1000));
  return (
    <span className={`live-status${refreshing ? ' refreshing' : ''}`} data-testid="dashboard-updated">
      <span className="live-dot" aria-hidden="true" />
      Live
      <span className="faint">· updated {ago < 2 ? 'just now' : `${ago} s ago`}</span>
    </span>
  );
}

/** Shown above the panels when the range holds no alerts; the panels stay mounted below. */
function EmptyRange() {
  const summary = useDashboard((s) => s.data?.summary ?? null);
  const range = useDashboard((s) => s.range);
  const sim = useSources((s) => s.simulator);
  const simBusy = useSources((s) => s.simulatorBusy);
  const simError = useSources((s) => s.simulatorError);
  if (!summary || summary.alerts_in_range > 0) return null;
  const hasHistory = summary.open_total > 0 || summary.sources.some((s) => s.events > 0);
  const running = sim?.running ?? false;
  // the newest alert may be older than any preset (records imported after the fact)
  const wider = widerRange(range, summary.newest_alert_seen);
  const startDemo = () => void useSources.getState().startSimulator(DEMO_RUN);
  return (
    <div className="dash-empty" data-testid="dashboard-empty">
      <EmptyState
        icon={<FlaskConical size={26} />}
        title="No alerts in this time range"
        role="status"
        actions={
          <>
            {running ? (
              <span className="demo-running" role="status">
                <span className="live-dot" aria-hidden="true" />
                Demo running: {formatCount(sim?.records ?? 0)} records so far. Alerts appear here within seconds.
              </span>
            ) : (
              <button type="button" className="button primary" onClick={startDemo} disabled={simBusy}>
                <Rocket size={14} aria-hidden="true" />
                Start a demo
              </button>
            )}
            {wider ? (
              <button type="button" className="button" onClick={() => useDashboard.getState().setRange(wider.range)}>
                {wider.upTo ? `Show the 7 days to ${formatMinutes(wider.upTo)}` : 'Show the last 7 days'}
              </button>
            ) : null}
            <a className="button ghost" href="#/sources">
              <Radio size={14} aria-hidden="true" />
              Add a source
            </a>
          </>
        }
      >
        <p>
          {hasHistory
            ? `Nothing new arrived in ${rangeLabel(range).toLowerCase()}. Widen the range, or generate fresh traffic with the built-in simulator.`
            : 'Vigil has not received any events yet. Follow a Suricata EVE or Wazuh alerts file on Sources, or start a demo: the simulator replays realistic attacks (brute force, scans, SQL injection, ransomware…) through the real pipeline, and this dashboard fills up live within a minute.'}
        </p>
        {simError ? (
          <p className="error-text" role="alert">
            Could not start the demo: {simError}
          </p>
        ) : null}
      </EmptyState>
    </div>
  );
}

function TopSourcesPanel() {
  const items = useDashboard((s) => s.data?.topSrc ?? null);
  const win = useDashboard((s) => s.data?.window ?? null);
  const range = useDashboard((s) => s.range);
  const refreshing = useDashboard((s) => s.refreshing);
  const r = rangeFilter(range, win);
  return (
    <Panel title="Top source IPs" subtitle="by events" icon={<Crosshair size={15} />} className="panel-top-src" testId="panel-top-src" busy={refreshing}>
      <TopList
        items={items}
        measure="events"
        label="Top source IPs by events"
        testId="top-src"
        emptyText="No source addresses in this range."
        primary={(i) => <span className="mono">{i.key}</span>}
        href={(i) => alertsHref({ src_ip: i.key, ...r })}
        linkLabel={(i) => `${i.key}: ${formatCount(i.events)} events in ${formatCount(i.alerts)} alerts. Show these alerts`}
      />
    </Panel>
  );
}

function TopRulesPanel() {
  const items = useDashboard((s) => s.data?.topRule ?? null);
  const win = useDashboard((s) => s.data?.window ?? null);
  const range = useDashboard((s) => s.range);
  const refreshing = useDashboard((s) => s.refreshing);
  const r = rangeFilter(range, win);
  return (
    <Panel title="Top rules" subtitle="by events" icon={<ListOrdered size={15} />} className="panel-top-rules" testId="panel-top-rules" busy={refreshing}>
      <TopList
        items={items}
        measure="events"
        label="Top detection rules by events"
        testId="top-rules"
        emptyText="No rules fired in this range."
        primary={(i) => i.label}
        secondary={(i) => <span className="mono">{i.key}</span>}
        href={(i) => alertsHref({ rule_id: i.key, ...r })}
        linkLabel={(i) => `${i.label} (rule ${i.key}): ${formatCount(i.events)} events in ${formatCount(i.alerts)} alerts. Show these alerts`}
      />
    </Panel>
  );
}

export function DashboardScreen() {
  const status = useDashboard((s) => s.status);
  const error = useDashboard((s) => s.error);
  const hasData = useDashboard((s) => s.data !== null);

  useEffect(() => useDashboard.getState().activate(), []);
  useEffect(() => {
    if (useSources.getState().simulator === null) void useSources.getState().loadSimulator();
  }, []);

  return (
    <div className="screen dashboard-screen">
      <div className="screen-header dash-header">
        <h1 tabIndex={-1}>Dashboard</h1>
        <LiveStatus />
        <div className="header-spacer" />
        <ToolsHealthBadge />
        <RangePicker />
        <button
          type="button"
          className="icon-button"
          aria-label="Refresh dashboard"
          title="Refresh dashboard"
          onClick={() => void useDashboard.getState().load()}
        >
          <RefreshCw size={15} aria-hidden="true" className={status === 'loading' ? 'spin' : undefined} />
        </button>
      </div>
      {status === 'error' && !hasData ? (
        <LoadFailed title="Could not load the dashboard" message={error ?? ''} onRetry={() => void useDashboard.getState().load()} />
      ) : (
        <>
          <KpiTiles />
          <EmptyRange />
          <div className="dash-grid">
            <TrendPanel />
            <PipelinePanel />
            <WorldMapPanel />
            <TopSourcesPanel />
            <TopRulesPanel />
            <FindingsPanel />
            <AttackMatrixPanel />
          </div>
        </>
      )}
    </div>
  );
}
