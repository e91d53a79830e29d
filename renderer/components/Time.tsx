import { formatLocalFull, formatLocalTime, utcTitle } from '../lib/format.js';
import { useDisplayZone } from '../stores/settings.js';

/** A timestamp in the display zone (Settings → Time zone), the exact UTC value on hover. */
export function Time({ iso, full = false, className = 'num' }: { iso: string; full?: boolean; className?: string }) {
  useDisplayZone();
  return (
    <time dateTime={iso} title={utcTitle(iso)} className={className}>
      {full ? formatLocalFull(iso) : formatLocalTime(iso)}
    </time>
  );
}
