import type { Host } from '../../../main/contract/hunt.js';
import { SEVERITY_LABEL, severityClass } from '../../lib/domain.js';
import { formatAgo, formatCount, utcTitle } from '../../lib/format.js';
import { openAlertCounts } from './model.js';

/** Open alerts by severity as small counted swatches ("2 High"), or a dash. */
export function OpenAlerts({ open }: { open: Host['open_alerts'] }) {
  const counts = openAlertCounts(open);
  if (counts.length === 0) return <span className="faint">—</span>;
  return (
    <span className="ho-open" aria-label={counts.map((c) => `${c.n} ${SEVERITY_LABEL[c.severity]}`).join(', ')}>
      {counts.map((c) => (
        <span key={c.severity} className={`ho-open-n ${severityClass(c.severity)}`} title={`${c.n} open ${SEVERITY_LABEL[c.severity]}`}>
          <span className="sev-swatch" aria-hidden="true" />
          <span className="num">{formatCount(c.n)}</span>
        </span>
      ))}
    </span>
  );
}

export function When({ iso }: { iso: string | null }) {
  if (!iso) return <span className="faint">—</span>;
  return (
    <time className="num" dateTime={iso} title={utcTitle(iso)}>
      {formatAgo(iso)}
    </time>
  );
}

