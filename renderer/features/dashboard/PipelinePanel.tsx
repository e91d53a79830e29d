import { ArrowRight, Cpu, FileExclamationPoint, FlaskConical, FileText, Upload } from 'lucide-react';
import type { LiveSource } from '../../../main/contract/console.js';
import type { PipelineMetrics } from '../../../main/contract/pipeline.js';
import { Panel, PanelNote, PanelSkeleton } from '../../components/charts/Panel.js';
import { formatCount, utcTitle } from '../../lib/format.js';
import { useDashboard } from '../../stores/dashboard.js';
import { SourceStateBadge } from '../sources/SourceStateBadge.js';
import { sourceName, sourceState } from '../sources/sourceState.js';
import { formatMs, formatRate, formatRelative } from './format.js';

const STAGES = ['normalize', 'enrich', 'detect', 'score', 'persist'] as const;
const STAGE_LABEL: Record<(typeof STAGES)[number], string> = {
  normalize: 'Normalize',
  enrich: 'Enrich',
  detect: 'Detect',
  score: 'Score',
  persist: 'Persist',
};
const MAX_SOURCES = 5;

function Sparkline({ values }: { values: number[] }) {
  if (values.length < 2 || values.every((v) => v === 0)) return <div className="sparkline sparkline-empty" aria-hidden="true" />;
  const max = Math.max(1, ...values);
  const w = 100;
  const h = 28;
  const step = w / (values.length - 1);
  const pts = values.map((v, i) => `${(i * step).toFixed(2)},${(h - (v / max) * (h - 2) - 1).toFixed(2)}`);
  return (
    <svg className="sparkline" viewBox={`0 0 ${w} ${h}`} preserveAspectRatio="none" aria-hidden="true">
      <polygon className="sparkline-area" points={`0,${h} ${pts.join(' ')} ${w},${h}`} />
      <polyline className="sparkline-line" points={pts.join(' ')} vectorEffect="non-scaling-stroke" />
    </svg>
  );
}

function StageBar({ m }: { m: PipelineMetrics }) {
  const total = STAGES.reduce((a, s) => a + m.stage_ms_per_1k[s], 0);
  if (total === 0) {
    return (
      <div className="stages">
        <div className="stages-head">
          <span className="subhead">Stage time per 1,000 events</span>
        </div>
        <p className="faint stages-idle">Idle: timings appear while a followed file or the simulator feeds this process.</p>
      </div>
    );
  }
  return (
    <div className="stages">
      <div className="stages-head">
        <span className="subhead">Stage time per 1,000 events</span>
        <span className="faint num">{formatMs(total)} ms</span>
      </div>
      <div className="stage-bar" aria-hidden="true">
        {total > 0
          ? STAGES.map((s, i) => (
              <span key={s} className={`stage-seg stage-${i}`} style={{ flexGrow: Math.max(m.stage_ms_per_1k[s], total * 0.01) }} />
            ))
          : null}
      </div>
      <dl className="stage-legend">
        {STAGES.map((s, i) => (
          <div key={s} className="stage-item">
            <dt>
              <span className={`stage-swatch stage-${i}`} aria-hidden="true" />
              {STAGE_LABEL[s]}
            </dt>
            <dd className="num">{formatMs(m.stage_ms_per_1k[s])} ms</dd>
          </div>
        ))}
      </dl>
    </div>
  );
}

function SourceIcon({ kind }: { kind: LiveSource['kind'] }) {
  if (kind === 'simulator') return <FlaskConical size={13} aria-hidden="true" />;
  if (kind === 'import') return <Upload size={13} aria-hidden="true" />;
  return <FileText size={13} aria-hidden="true" />;
}

export function PipelinePanel() {
  const data = useDashboard((s) => s.data);
  const pushed = useDashboard((s) => s.metrics);
  const history = useDashboard((s) => s.metricsHistory);
  const refreshing = useDashboard((s) => s.refreshing);

  if (!data) {
    return (
      <Panel title="Pipeline health" icon={<Cpu size={15} />} className="panel-pipeline" testId="panel-pipeline">
        <PanelSkeleton rows={7} />
      </Panel>
    );
  }

  const m = pushed ?? data.pipeline?.processes[0]?.metrics ?? null;
  const sources = [...data.sources].sort((a, b) => (b.last_event_at ?? '').localeCompare(a.last_event_at ?? ''));
  const errors = sources.filter((s) => sourceState(s) === 'backing_off').length;
  const quarantined = data.summary.quarantine_total;
  const now = Date.now();

  return (
    <Panel
      title="Pipeline health"
      subtitle={
        errors > 0 ? (
          <span className="health-text bad">
            {errors} {errors === 1 ? 'source' : 'sources'} failing
          </span>
        ) : (
          <span className="health-text ok">Healthy</span>
        )
      }
      icon={<Cpu size={15} />}
      className="panel-pipeline"
      testId="panel-pipeline"
      busy={refreshing}
    >
      <div className="pipe-stats">
        <div className="pipe-stat">
          <span className="pipe-stat-label">Ingest, this process</span>
          <span className="pipe-stat-value num" data-testid="pipeline-eps">
            {formatRate(m?.events_per_s ?? 0)}
            <span className="pipe-unit"> events/s</span>
          </span>
        </div>
        <div className="pipe-stat">
          <span className="pipe-stat-label">Queue depth</span>
          <span className="pipe-stat-value num">{formatCount(m?.queue_depth ?? 0)}</span>
        </div>
        <div className="pipe-stat">
          <span className="pipe-stat-label">Batch p99</span>
          <span className="pipe-stat-value num">
            {formatMs(m?.batch_ms_p99 ?? 0)}
            <span className="pipe-unit"> ms</span>
          </span>
        </div>
      </div>
      <div className="spark-wrap" title="Events per second in this process, last 90 s">
        <Sparkline values={history} />
      </div>
      {m ? <StageBar m={m} /> : null}
      <div className="pipe-sources">
        <div className="stages-head">
          <h3 className="subhead">Sources</h3>
          <span className="faint num">{sources.length}</span>
        </div>
        {sources.length === 0 ? (
          <PanelNote>No sources yet.</PanelNote>
        ) : (
          <ul className="pipe-source-list" aria-label="Sources">
            {sources.slice(0, MAX_SOURCES).map((s) => (
              <li key={s.id} className="pipe-source">
                <span className="pipe-source-icon" aria-hidden="true">
                  <SourceIcon kind={s.kind} />
                </span>
                <span className="pipe-source-name ellipsis" title={s.path ?? s.id}>
                  {sourceName(s)}
                </span>
                <SourceStateBadge state={sourceState(s)} note={s.live?.note ?? s.last_error} />
                <span className="pipe-source-last faint" title={s.last_event_at ? `Last event ${utcTitle(s.last_event_at)}` : 'No events yet'}>
                  {formatRelative(s.last_event_at, now)}
                </span>
              </li>
            ))}
          </ul>
        )}
        {sources.length > MAX_SOURCES ? (
          <a className="panel-link" href="#/sources">
            {sources.length - MAX_SOURCES} more on Sources <ArrowRight size={12} aria-hidden="true" />
          </a>
        ) : null}
      </div>
      <a className={`quarantine-link${quarantined > 0 ? ' has' : ''}`} href="#/sources" data-testid="quarantine-link">
        <FileExclamationPoint size={14} aria-hidden="true" />
        <span>
          <b className="num">{formatCount(quarantined)}</b> {quarantined === 1 ? 'line' : 'lines'} in quarantine
        </span>
        <span className="quarantine-cta">
          Review on Sources <ArrowRight size={12} aria-hidden="true" />
        </span>
      </a>
    </Panel>
  );
}
