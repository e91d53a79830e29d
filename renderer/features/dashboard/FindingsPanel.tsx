import { Bug } from 'lucide-react';
import { useEffect, useState } from 'react';
import type { FindingsSummary } from '../../../main/contract/findings.js';
import { api, errorMessage } from '../../api/index.js';
import { Panel, PanelNote, PanelSkeleton } from '../../components/charts/Panel.js';
import { SEVERITY_LABEL, SEVERITY_ORDER, severityClass } from '../../lib/domain.js';
import { formatCount } from '../../lib/format.js';

/** Open scan findings by severity, and the scans' health (running, stalled, failing). */
export function FindingsPanel() {
  const [data, setData] = useState<FindingsSummary | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    const load = () =>
      api.call('findings.summary').then(
        (d) => live && (setData(d), setError(null)),
        (err: unknown) => live && setError(errorMessage(err)),
      );
    void load();
    const t = setInterval(() => void load(), 10_000);
    return () => {
      live = false;
      clearInterval(t);
    };
  }, []);
  const s = data?.scans;
  return (
    <Panel title="Scan findings" subtitle="open, by severity" icon={<Bug size={15} />} className="panel-findings" testId="panel-findings">
      {error && !data ? <PanelNote tone="error">{error}</PanelNote> : null}
      {!data ? (
        error ? null : <PanelSkeleton height={56} />
      ) : (
        <div className="findings-tile">
          <ul className="findings-tile-sev">
            {SEVERITY_ORDER.map((sev) => (
              <li key={sev} className={severityClass(sev)}>
                <a href="#/findings" data-testid={`findings-open-${sev}`}>
                  <span className="findings-tile-n num">{formatCount(data.open[sev] ?? 0)}</span>
                  <span className="findings-tile-label">
                    <span className="sev-swatch" aria-hidden="true" /> {SEVERITY_LABEL[sev]}
                  </span>
                </a>
              </li>
            ))}
          </ul>
          <a href="#/scans" className={`findings-tile-scans${s && (s.stalled || s.erroring || s.failed_24h) ? ' is-warn' : ''}`} data-testid="scan-health">
            {s
              ? `${formatCount(s.running)} scan${s.running === 1 ? '' : 's'} running${s.stalled ? `, ${s.stalled} stalled` : ''}${s.erroring ? `, ${s.erroring} not answering` : ''}${s.failed_24h ? `, ${s.failed_24h} failed in 24 h` : ''}`
              : ''}
          </a>
        </div>
      )}
    </Panel>
  );
}
