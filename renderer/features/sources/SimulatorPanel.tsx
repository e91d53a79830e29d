import { CircleStop, FlaskConical, LoaderCircle, Play } from 'lucide-react';
import { useEffect, useId, useState } from 'react';
import { Panel, PanelSkeleton } from '../../components/charts/Panel.js';
import { formatCount, formatDuration } from '../../lib/format.js';
import { useSources, type Scenario } from '../../stores/sources.js';

const SCENARIO_LABEL: Record<Scenario, string> = {
  mixed: 'Mixed',
  brute_force: 'Brute force',
  port_scan: 'Port scan',
  sql_injection: 'SQL injection',
  ddos: 'DDoS',
  ransomware: 'Ransomware',
  exfiltration: 'Exfiltration',
  normal: 'Normal traffic',
};

/** Listed first: the scenario that shows a bit of everything. */
const ORDER: Scenario[] = ['mixed', 'brute_force', 'port_scan', 'sql_injection', 'ddos', 'ransomware', 'exfiltration', 'normal'];

/** The status text starts with the scenario's own name ("Port scan: one source…"): drop it. */
function describe(text: string): string {
  const m = /^[^:.]{2,40}:\s*(.+)$/s.exec(text);
  const rest = m?.[1] ?? text;
  return rest.charAt(0).toUpperCase() + rest.slice(1);
}

function scenarioLabel(name: string): string {
  return (SCENARIO_LABEL as Record<string, string>)[name] ?? name.replace(/_/g, ' ');
}

function useTick(on: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!on) return;
    const t = setInterval(() => setNow(Date.now()), 500);
    return () => clearInterval(t);
  }, [on]);
  return now;
}

export function SimulatorPanel() {
  const sim = useSources((s) => s.simulator);
  const busy = useSources((s) => s.simulatorBusy);
  const error = useSources((s) => s.simulatorError);
  const [scenario, setScenario] = useState<Scenario>('mixed');
  const [rate, setRate] = useState('200');
  const [duration, setDuration] = useState('60');
  const [formError, setFormError] = useState<string | null>(null);
  const running = sim?.running ?? false;
  const now = useTick(running);
  const rateId = useId();
  const durId = useId();
  const errId = useId();

  useEffect(() => {
    void useSources.getState().loadSimulator();
  }, []);

  const start = () => {
    const r = Number(rate);
    const d = Number(duration);
    if (!Number.isInteger(r) || r < 1 || r > 5000) return setFormError('Rate: a whole number of events per second, 1 to 5,000.');
    if (!Number.isInteger(d) || d < 1 || d > 86_400) return setFormError('Duration: a whole number of seconds, 1 to 86,400 (24 h).');
    setFormError(null);
    void useSources.getState().startSimulator({ scenario, rate: r, duration_s: d });
  };

  const scenarios = sim
    ? [...sim.scenarios].sort((a, b) => ORDER.indexOf(a.name as Scenario) - ORDER.indexOf(b.name as Scenario))
    : [];
  const elapsed = sim?.started_at ? Math.max(0, (now - Date.parse(sim.started_at)) / 1000) : 0;
  const progress = running && sim?.duration_s ? Math.min(1, elapsed / sim.duration_s) : sim && !running && sim.started_at ? 1 : 0;

  return (
    <Panel
      title="Simulator"
      subtitle={
        running ? (
          <span className="sim-state running">
            <span className="live-dot" aria-hidden="true" /> Running {scenarioLabel(sim?.scenario ?? '')}
          </span>
        ) : (
          'Generate realistic attack traffic through the real pipeline'
        )
      }
      icon={<FlaskConical size={15} />}
      className="panel-simulator"
      testId="panel-simulator"
    >
      {!sim ? (
        <PanelSkeleton rows={6} />
      ) : (
        <form
          className="sim-form"
          onSubmit={(e) => {
            e.preventDefault();
            if (!running) start();
          }}
        >
          <fieldset className="scenario-grid" disabled={running || busy}>
            <legend className="subhead">Scenario</legend>
            {scenarios.map((s) => (
              <label key={s.name} className={`scenario${scenario === s.name ? ' on' : ''}`} title={s.description}>
                <input
                  type="radio"
                  name="scenario"
                  value={s.name}
                  checked={scenario === s.name}
                  onChange={() => setScenario(s.name as Scenario)}
                />
                <span className="scenario-text">
                  <span className="scenario-name">{scenarioLabel(s.name)}</span>
                  <span className="scenario-desc">{describe(s.description)}</span>
                </span>
              </label>
            ))}
          </fieldset>
          <div className="sim-controls">
            <label className="field-label" htmlFor={rateId}>
              Rate
              <span className="input-unit">
                <input
                  id={rateId}
                  className="text-input num"
                  type="number"
                  inputMode="numeric"
                  min={1}
                  max={5000}
                  step={1}
                  value={rate}
                  onChange={(e) => setRate(e.target.value)}
                  disabled={running || busy}
                  aria-describedby={formError ? errId : undefined}
                />
                <span className="unit" aria-hidden="true">
                  records/s
                </span>
              </span>
            </label>
            <label className="field-label" htmlFor={durId}>
              Duration
              <span className="input-unit">
                <input
                  id={durId}
                  className="text-input num"
                  type="number"
                  inputMode="numeric"
                  min={1}
                  max={86400}
                  step={1}
                  value={duration}
                  onChange={(e) => setDuration(e.target.value)}
                  disabled={running || busy}
                  aria-describedby={formError ? errId : undefined}
                />
                <span className="unit" aria-hidden="true">
                  seconds
                </span>
              </span>
            </label>
            <div className="sim-buttons">
              {running ? (
                <button type="button" className="button danger" disabled={busy} onClick={() => void useSources.getState().stopSimulator()}>
                  <CircleStop size={14} aria-hidden="true" />
                  Stop
                </button>
              ) : (
                <button type="submit" className="button primary" disabled={busy}>
                  {busy ? <LoaderCircle size={14} className="spin" aria-hidden="true" /> : <Play size={14} aria-hidden="true" />}
                  Start simulator
                </button>
              )}
            </div>
          </div>
          {formError || error || sim.last_error ? (
            <p id={errId} className="form-error" role="alert">
              {formError ?? error ?? sim.last_error}
            </p>
          ) : null}
          <div className={`sim-live${running ? ' running' : ''}`} role="status" aria-live="off" data-testid="simulator-status">
            <div className="sim-progress" aria-hidden="true">
              <span style={{ width: `${Math.round(progress * 100)}%` }} />
            </div>
            <dl className="sim-counters">
              <div>
                <dt>Records</dt>
                <dd className="num" data-testid="sim-records">
                  {formatCount(sim.records)}
                </dd>
              </div>
              <div>
                <dt>Alerts created</dt>
                <dd className="num" data-testid="sim-alerts">
                  {formatCount(sim.alerts_created)}
                </dd>
              </div>
              <div>
                <dt>Elapsed</dt>
                <dd className="num">
                  {sim.started_at ? formatDuration(Math.min(elapsed, sim.duration_s ?? elapsed)) : '—'}
                  {sim.duration_s ? <span className="faint"> / {formatDuration(sim.duration_s)}</span> : null}
                </dd>
              </div>
              <div>
                <dt>State</dt>
                <dd>{running ? 'Running' : sim.started_at ? 'Finished' : 'Idle'}</dd>
              </div>
            </dl>
          </div>
        </form>
      )}
    </Panel>
  );
}
