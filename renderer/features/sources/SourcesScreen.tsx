import '../../components/charts/charts.css';
import '../dashboard/dashboard.css';
import './sources.css';
import { Plus, Radio, Rocket, TriangleAlert } from 'lucide-react';
import { useEffect, useState } from 'react';
import { EmptyState } from '../../components/EmptyState.js';
import { Panel, PanelSkeleton } from '../../components/charts/Panel.js';
import { formatCount } from '../../lib/format.js';
import { DEMO_RUN, useSources } from '../../stores/sources.js';
import { AddSourceDialog } from './AddSourceDialog.js';
import { QuarantinePanel } from './QuarantinePanel.js';
import { SimulatorPanel } from './SimulatorPanel.js';
import { SourcesTable } from './SourcesTable.js';
import { LoadFailed } from '../../components/LoadFailed.js';

function useNow(ms: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(t);
  }, [ms]);
  return now;
}

function SourcesPanel({ onAdd }: { onAdd: () => void }) {
  const sources = useSources((s) => s.sources);
  const status = useSources((s) => s.status);
  const error = useSources((s) => s.error);
  const simRunning = useSources((s) => s.simulator?.running ?? false);
  const now = useNow(1000);
  const live = sources.filter((s) => s.live && s.enabled).length;

  let body;
  if (status === 'idle' || (status === 'loading' && sources.length === 0)) body = <PanelSkeleton rows={4} />;
  else if (status === 'error')
    body = (
      <LoadFailed title="Could not load sources" message={error ?? ''} headingLevel={3} iconSize={26} onRetry={() => void useSources.getState().load()} />
    );
  else if (sources.length === 0)
    body = (
      <EmptyState
        icon={<Radio size={26} />}
        title="No sources yet"
        headingLevel={3}
        actions={
          <>
            <button type="button" className="button primary" onClick={onAdd}>
              <Plus size={14} aria-hidden="true" />
              Add followed file
            </button>
            <button
              type="button"
              className="button"
              disabled={simRunning}
              onClick={() => void useSources.getState().startSimulator(DEMO_RUN)}
            >
              <Rocket size={14} aria-hidden="true" />
              {simRunning ? 'Demo running…' : 'Start a demo'}
            </button>
          </>
        }
      >
        <p>
          Follow a Suricata <code>eve.json</code> or a Wazuh <code>alerts.json</code> as it grows, or run the simulator below to see Vigil work
          within a minute.
        </p>
      </EmptyState>
    );
  else body = <SourcesTable sources={sources} now={now} />;

  return (
    <Panel
      title="Sources"
      subtitle={sources.length > 0 ? `${formatCount(sources.length)} total · ${formatCount(live)} live` : null}
      icon={<Radio size={15} />}
      className="panel-sources"
      testId="panel-sources"
      actions={
        error && status === 'ready' ? (
          <span className="live-status warn" role="status">
            <TriangleAlert size={13} aria-hidden="true" /> Refresh failed: {error}
          </span>
        ) : (
          <span className="live-status">
            <span className="live-dot" aria-hidden="true" /> Live, every 2 s
          </span>
        )
      }
    >
      {body}
    </Panel>
  );
}

export function SourcesScreen() {
  const [adding, setAdding] = useState(false);
  useEffect(() => useSources.getState().startPolling(), []);

  return (
    <div className="screen sources-screen">
      <div className="screen-header">
        <div className="screen-title">
          <h1 tabIndex={-1}>Sources</h1>
          <p className="screen-lede">Files Vigil follows, lines it could not parse, and a traffic simulator for demos and drills.</p>
        </div>
        <div className="header-spacer" />
        <button type="button" className="button primary" onClick={() => setAdding(true)}>
          <Plus size={14} aria-hidden="true" />
          Add followed file
        </button>
      </div>
      <SourcesPanel onAdd={() => setAdding(true)} />
      <div className="sources-grid">
        <SimulatorPanel />
        <QuarantinePanel />
      </div>
      {adding ? <AddSourceDialog onClose={() => setAdding(false)} /> : null}
    </div>
  );
}
