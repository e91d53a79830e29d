/**
 * What the desktop app's upgrade window says (shell/upgrade-window.ts) while the database is
 * upgraded (store/upgrade.ts), as text for renderer/public/upgrading.html, which only shows it.
 * Pure, so it is tested in plain Node.
 */
import path from 'node:path';
import type { OpenProgress } from '../store/db.js';

export interface UpgradeStatus {
  /** What is being done now. */
  step: string;
  /** More about it: where the backup goes, which change is applied. */
  detail: string;
  /** Done so far, 0 to 1; null when it cannot be told (a schema step runs as one statement). */
  fraction: number | null;
}

/** The status of one progress report. */
export function upgradeStatus(p: OpenProgress): UpgradeStatus {
  if (p.step === 'backup') {
    const fraction = p.total > 0 ? Math.min(1, p.copied / p.total) : 1;
    return {
      step: `Backing up the database first: ${Math.floor(fraction * 100)} %`,
      detail: `The copy is kept as ${path.basename(p.file)} in ${path.dirname(p.file)}.`,
      fraction,
    };
  }
  return {
    step: `Applying schema change ${p.version}: ${p.name.replace(/-/g, ' ')}`,
    detail: 'A change that rebuilds an index reads every stored record once. It cannot be shown in steps.',
    fraction: null,
  };
}

/** The status as the fragment of upgrading.html's address (without '#'). */
export function upgradeStatusFragment(s: UpgradeStatus): string {
  const q = new URLSearchParams({ step: s.step, detail: s.detail });
  if (s.fraction !== null) q.set('done', s.fraction.toFixed(3));
  return q.toString();
}
