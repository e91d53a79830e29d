import type { AlertDetail } from '../../../main/contract/alerts.js';
import { riskBand, severityClass } from '../../lib/domain.js';

type Term = AlertDetail['score_terms'][number];

function signed(n: number): string {
  return n > 0 ? `+${n}` : String(n);
}

/**
 * The risk score as a waterfall: each named term is a segment starting where the previous one
 * ended, so the bars read left to right as the sum that makes the score.
 */
export function ScoreBreakdown({ terms, score }: { terms: Term[]; score: number }) {
  const sum = terms.reduce((n, t) => n + t.points, 0);
  const scale = Math.max(100, sum, ...terms.map((t) => Math.abs(t.points)));
  let cum = 0;
  const rows = terms.map((t) => {
    const from = t.points >= 0 ? cum : cum + t.points;
    cum += t.points;
    return { t, left: (Math.max(0, from) / scale) * 100, width: (Math.abs(t.points) / scale) * 100 };
  });
  const band = severityClass(riskBand(score));

  if (terms.length === 0) {
    return <p className="muted text-sm">No score terms were recorded for this alert (it predates score explanations).</p>;
  }
  return (
    <div className="ad-score" data-testid="score-breakdown">
      <ol className="ad-score-terms" aria-label="Score terms">
        {rows.map(({ t, left, width }, i) => (
          <li key={`${t.name}-${i}`} className="ad-score-row" data-testid="score-term" data-points={t.points}>
            <span className="ad-score-name">{t.name}</span>
            <span className="ad-score-detail" title={t.detail}>
              {t.detail}
            </span>
            <span className="ad-score-track" aria-hidden="true">
              <span className={`ad-score-seg ${band}${t.points < 0 ? ' ad-neg' : ''}`} style={{ left: `${left}%`, width: `${Math.max(width, 0.8)}%` }} />
            </span>
            <span className={`ad-score-points num${t.points < 0 ? ' ad-neg' : ''}`}>{signed(t.points)}</span>
          </li>
        ))}
      </ol>
      <div className="ad-score-row ad-score-total" data-testid="score-total" data-sum={sum} data-score={score}>
        <span className="ad-score-name">Risk score</span>
        <span className="ad-score-detail">
          {terms.length} {terms.length === 1 ? 'term' : 'terms'}: {terms.map((t) => signed(t.points)).join(' ')} = {sum}
          {sum !== score ? ` (capped to ${score})` : ''}
        </span>
        <span className="ad-score-track" aria-hidden="true">
          <span className={`ad-score-seg ad-total ${band}`} style={{ left: 0, width: `${(Math.min(score, scale) / scale) * 100}%` }} />
        </span>
        <span className="ad-score-points num ad-total">{score}</span>
      </div>
    </div>
  );
}
