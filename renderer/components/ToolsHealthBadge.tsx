import { Wrench } from 'lucide-react';
import { useEffect } from 'react';
import { useToolsHealth } from '../stores/toolsHealth.js';
import './tools-health.css';

const WORD: Record<string, string> = { ok: 'ok', degraded: 'degraded', down: 'down', auth_failed: 'auth failed', untrusted_certificate: 'untrusted certificate', unknown: 'checking' };

/** "Tools: 4 ok" / "Tools: 1 of 4 not ok": the overall health of the configured tools, linking to Tools. */
export function ToolsHealthBadge() {
  const overall = useToolsHealth((s) => s.overall);
  useEffect(() => useToolsHealth.getState().start(), []);
  if (!overall || overall.status === 'none') return null;
  const bad = overall.problems.length;
  const ok = overall.by_status['ok'] ?? 0;
  const checking = overall.by_status['unknown'] ?? 0;
  const text =
    ok === overall.enabled ? `all ${ok} ok` : [`${ok} of ${overall.enabled} ok`, bad ? `${bad} not ok` : null, checking ? `${checking} checking` : null].filter(Boolean).join(' · ');
  const title = bad
    ? overall.problems.map((p) => `${p.name}: ${WORD[p.status] ?? p.status}${p.message ? ` (${p.message})` : ''}`).join('\n')
    : Object.entries(overall.by_status)
        .map(([k, n]) => `${n} ${WORD[k] ?? k}`)
        .join(', ');
  return (
    <a href="#/tools" className={`tools-health th-${overall.status}`} title={title} data-testid="tools-health" data-status={overall.status}>
      <Wrench size={13} aria-hidden="true" />
      <span className="th-dot" aria-hidden="true" />
      Tools: {text}
    </a>
  );
}
