import './suppressions.css';
import type { Suppression } from '../../../main/contract/pipeline.js';

const STATE_LABEL: Record<Suppression['state'], string> = { active: 'Active', expired: 'Expired', disabled: 'Disabled' };

/** A suppression rule's state as a pill (amber while it hides events). */
export function SuppressionStateBadge({ state }: { state: Suppression['state'] }) {
  return <span className={`sup-state sup-state-${state}`}>{STATE_LABEL[state]}</span>;
}
