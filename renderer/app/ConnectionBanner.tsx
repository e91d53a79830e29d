import { RefreshCw, WifiOff } from 'lucide-react';
import { useEffect, useState } from 'react';
import { api } from '../api/index.js';
import { useConnection } from '../stores/connection.js';

function useSecondsUntil(at: number | null): number | null {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (at === null) return;
    const t = setInterval(() => setNow(Date.now()), 250);
    return () => clearInterval(t);
  }, [at]);
  return at === null ? null : Math.max(0, Math.ceil((at - now) / 1000));
}

/** Small banner while the headless connection is down; calls wait in a queue meanwhile. */
export function ConnectionBanner() {
  const { status, retryAt, everConnected } = useConnection();
  const seconds = useSecondsUntil(status === 'reconnecting' ? retryAt : null);
  const show = status === 'reconnecting' || (status === 'connecting' && everConnected);
  return (
    <div role="status" aria-live="polite" className="banner-region">
      {show ? (
        <div className="banner banner-warn" data-testid="reconnecting-banner">
          <WifiOff size={14} aria-hidden="true" />
          <span>
            {everConnected ? 'Connection to Vigil lost. ' : 'Cannot reach Vigil. '}
            {seconds !== null && seconds > 0 ? `Reconnecting in ${seconds} s…` : 'Reconnecting…'}
          </span>
          {status === 'reconnecting' ? (
            <button type="button" className="link-button" onClick={() => api.reconnectNow()}>
              <RefreshCw size={12} aria-hidden="true" />
              Retry now
            </button>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}
