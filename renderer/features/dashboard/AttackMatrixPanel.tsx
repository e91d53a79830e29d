import { Grid3x3 } from 'lucide-react';
import { useMemo, useRef, useState, type CSSProperties } from 'react';
import type { AttackMatrix } from '../../../main/contract/console.js';
import { alertsHref } from '../../app/router.js';
import { Panel, PanelNote, PanelSkeleton } from '../../components/charts/Panel.js';
import { formatCount } from '../../lib/format.js';
import { rangeFilter, useDashboard } from '../../stores/dashboard.js';

/** Enterprise tactics in kill-chain order (the matrix's columns). */
const KILL_CHAIN = [
  'reconnaissance',
  'resource-development',
  'initial-access',
  'execution',
  'persistence',
  'privilege-escalation',
  'defense-evasion',
  'credential-access',
  'discovery',
  'lateral-movement',
  'collection',
  'command-and-control',
  'exfiltration',
  'impact',
];

type Tactic = AttackMatrix['tactics'][number];

/** Break points for long words in narrow columns (soft hyphens: a hyphen shows only when broken). */
const SHY = '\u00AD';
const SOFT_BREAKS: Record<string, string> = {
  Reconnaissance: `Recon${SHY}nais${SHY}sance`,
  Development: `Devel${SHY}op${SHY}ment`,
  Escalation: `Esca${SHY}lation`,
  Persistence: `Persis${SHY}tence`,
  Exfiltration: `Exfil${SHY}tration`,
  Manipulation: `Manipu${SHY}lation`,
  Destruction: `Destruc${SHY}tion`,
  Encrypted: `Encrypt${SHY}ed`,
  Infrastructure: `Infra${SHY}structure`,
  Credentials: `Creden${SHY}tials`,
  Authentication: `Authenti${SHY}cation`,
  Modification: `Modifi${SHY}cation`,
  Exploitation: `Exploi${SHY}tation`,
  Communication: `Communi${SHY}cation`,
  Information: `Infor${SHY}mation`,
  Obfuscated: `Obfus${SHY}cated`,
  Impersonation: `Imperson${SHY}ation`,
};

function soft(text: string): string {
  return text.replace(/[A-Za-z]{9,}/g, (w) => SOFT_BREAKS[w] ?? w);
}

interface Hover {
  id: string;
  name: string;
  tactic: string;
  count: number;
  x: number;
  y: number;
  below: boolean;
}

function orderTactics(tactics: Tactic[]): Tactic[] {
  const rank = (t: Tactic) => {
    const i = KILL_CHAIN.indexOf(t.shortname);
    return i < 0 ? KILL_CHAIN.length : i;
  };
  return [...tactics].sort((a, b) => rank(a) - rank(b));
}

/** Share of the accent colour in a cell, by log-scaled count (16% .. 90%). */
function heatPct(n: number, max: number): number {
  if (n <= 0 || max <= 0) return 0;
  return Math.round(16 + 74 * (Math.log1p(n) / Math.log1p(max)));
}

export function AttackMatrixPanel() {
  const matrix = useDashboard((s) => s.matrix);
  const matrixError = useDashboard((s) => s.matrixError);
  const cells = useDashboard((s) => s.data?.attack ?? null);
  const win = useDashboard((s) => s.data?.window ?? null);
  const range = useDashboard((s) => s.range);
  const refreshing = useDashboard((s) => s.refreshing);
  const [showAll, setShowAll] = useState(false);
  const [hover, setHover] = useState<Hover | null>(null);
  const boxRef = useRef<HTMLDivElement>(null);

  const counts = useMemo(() => new Map((cells ?? []).map((c) => [c.technique_id, c.alerts])), [cells]);
  const max = Math.max(0, ...counts.values());
  const tactics = useMemo(() => (matrix ? orderTactics(matrix.tactics) : []), [matrix]);
  const hitTechniques = new Set([...counts.keys()]);
  const tacticsHit = tactics.filter((t) => t.techniques.some((x) => counts.has(x.id))).length;
  const linkRange = rangeFilter(range, win);

  const show = (el: HTMLElement, h: Omit<Hover, 'x' | 'y' | 'below'>) => {
    const node = boxRef.current;
    if (!node) return;
    const box = node.getBoundingClientRect();
    const r = el.getBoundingClientRect();
    // Keep the tooltip inside the (horizontally scrollable) box: clamp x, flip below near the top.
    const half = 120;
    const center = r.left - box.left + node.scrollLeft + r.width / 2;
    const x = Math.min(Math.max(center, node.scrollLeft + half), node.scrollLeft + box.width - half);
    const below = r.top - box.top < 84;
    setHover({ ...h, x, y: below ? r.bottom - box.top : r.top - box.top, below });
  };

  let body;
  if (matrixError && !matrix) body = <PanelNote tone="error">The ATT&amp;CK table could not be loaded: {matrixError}</PanelNote>;
  else if (!matrix || cells === null) body = <PanelSkeleton height={180} />;
  else if (matrix.tactics.length === 0) body = <PanelNote>The bundled ATT&amp;CK table is not available in this build.</PanelNote>;
  else {
    body = (
      <div className="attack-box" ref={boxRef} onMouseLeave={() => setHover(null)}>
        <div className="attack-grid" data-testid="attack-matrix" style={{ '--attack-cols': tactics.length } as CSSProperties}>
          {tactics.map((tac) => {
            const techs = showAll ? tac.techniques : tac.techniques.filter((t) => counts.has(t.id));
            const sorted = showAll ? techs : [...techs].sort((a, b) => (counts.get(b.id) ?? 0) - (counts.get(a.id) ?? 0));
            const hits = tac.techniques.filter((t) => counts.has(t.id)).length;
            return (
              <div key={tac.id} className={`attack-col${hits > 0 ? ' has-hits' : ''}`}>
                <h3 className="attack-tactic" title={`${tac.id} ${tac.name}`}>
                  <span className="attack-tactic-name">{soft(tac.name)}</span>
                  <span className="attack-tactic-count num">
                    {hits}
                    <span className="visually-hidden"> of {tac.techniques.length} techniques with alerts</span>
                    <span aria-hidden="true">/{tac.techniques.length}</span>
                  </span>
                </h3>
                {sorted.length === 0 ? (
                  <p className="attack-none">
                    <span aria-hidden="true">—</span>
                    <span className="visually-hidden">No techniques with alerts</span>
                  </p>
                ) : (
                  <ul className="attack-cells">
                    {sorted.map((t) => {
                      const n = counts.get(t.id) ?? 0;
                      const pct = heatPct(n, max);
                      const label = `${t.name} ${t.id} (${tac.name}): ${formatCount(n)} ${n === 1 ? 'alert' : 'alerts'}`;
                      const h = { id: t.id, name: t.name, tactic: tac.name, count: n };
                      const style = { '--heat': `${pct}%` } as CSSProperties;
                      const inner = (
                        <>
                          <span className="attack-cell-name">{soft(t.name)}</span>
                          <span className="attack-cell-meta">
                            <span className="mono">{t.id}</span>
                            {n > 0 ? <span className="attack-cell-count num">{formatCount(n)}</span> : null}
                          </span>
                        </>
                      );
                      return (
                        <li key={t.id}>
                          {n > 0 ? (
                            <a
                              className={`attack-cell hit${pct > 56 ? ' hot' : ''}`}
                              style={style}
                              href={alertsHref({ technique: t.id, ...linkRange })}
                              aria-label={`${label}. Show these alerts`}
                              data-technique={t.id}
                              onMouseEnter={(e) => show(e.currentTarget, h)}
                              onFocus={(e) => show(e.currentTarget, h)}
                              onBlur={() => setHover(null)}
                            >
                              {inner}
                            </a>
                          ) : (
                            <span className="attack-cell" onMouseEnter={(e) => show(e.currentTarget, h)}>
                              {inner}
                            </span>
                          )}
                        </li>
                      );
                    })}
                  </ul>
                )}
              </div>
            );
          })}
        </div>
        {hover ? (
          <div className={`attack-tooltip${hover.below ? ' below' : ''}`} style={{ left: hover.x, top: hover.y }} aria-hidden="true">
            <div className="attack-tooltip-id mono">{hover.id}</div>
            <div className="attack-tooltip-name">{hover.name}</div>
            <div className="attack-tooltip-meta">
              {hover.tactic} · <b className="num">{formatCount(hover.count)}</b> {hover.count === 1 ? 'alert' : 'alerts'}
            </div>
          </div>
        ) : null}
      </div>
    );
  }

  return (
    <Panel
      title="MITRE ATT&CK coverage"
      subtitle={
        matrix && cells
          ? `${formatCount(hitTechniques.size)} techniques in ${tacticsHit} of ${tactics.length} tactics · ${matrix.version}`
          : null
      }
      icon={<Grid3x3 size={15} />}
      className="panel-attack"
      testId="panel-attack"
      busy={refreshing}
      actions={
        <>
          {max > 0 ? (
            <span className="heat-legend" aria-hidden="true">
              <span>1</span>
              <span className="heat-ramp" />
              <span className="num">{formatCount(max)}</span>
              <span className="faint">alerts</span>
            </span>
          ) : null}
          <button type="button" className={`button small toggle${showAll ? ' on' : ''}`} aria-pressed={showAll} onClick={() => setShowAll((v) => !v)}>
            Show all techniques
          </button>
        </>
      }
    >
      {body}
    </Panel>
  );
}
