import type { OpenProgress } from '../store/db.js';
import type { Logger } from './logger.js';

/** Says what an upgrade of the database is doing: the backup at every tenth copied, then each schema step. */
export function upgradeLog(logger: Logger): (p: OpenProgress) => void {
  let tenths = -1;
  const started = performance.now();
  const seconds = () => Math.round((performance.now() - started) / 100) / 10;
  return (p) => {
    if (p.step === 'migrate') {
      logger.info('upgrading the database', { migration: p.version, name: p.name, seconds: seconds() });
      return;
    }
    const now = p.total > 0 ? Math.floor((p.copied * 10) / p.total) : 10;
    if (now === tenths) return;
    tenths = now;
    logger.info('backing up the database before upgrading it', { copied_pct: now * 10, backup: p.file, seconds: seconds() });
  };
}
