import { Lock } from 'lucide-react';
import type { TokenSource } from '../../main/contract/wire.js';

/** Where the right token is, by how `vigil serve` was given it. */
function WhereIsTheToken({ source }: { source: TokenSource | null }) {
  switch (source) {
    case 'launch':
      return (
        <>
          <p>
            This page needs the link printed by <code>vigil serve</code>, with its token.
          </p>
          <p className="muted">
            Open the full link shown in the terminal where <code>vigil serve</code> is running (it ends in{' '}
            <code>?token=…</code>). This server makes a new token every time it starts, so links from an earlier run no
            longer work.
          </p>
        </>
      );
    case 'flag':
    case 'env':
    case 'stdin': {
      const how = { flag: <code>--token</code>, env: <code>VIGIL_TOKEN</code>, stdin: <code>--token-stdin</code> }[source];
      return (
        <>
          <p>This page needs the token this server was started with.</p>
          <p className="muted">
            The token was fixed when <code>vigil serve</code> started (given with {how}); it is not printed. Add it to the
            address as <code>?token=…</code>, or ask whoever runs the server for it.
          </p>
        </>
      );
    }
    default:
      return (
        <>
          <p>This page needs the access token of the server.</p>
          <p className="muted">
            Open the link <code>vigil serve</code> printed, or add the token the server was started with to the address as{' '}
            <code>?token=…</code>.
          </p>
        </>
      );
  }
}

/** Shown when the headless server refuses the token (close code 4001) or there is none. */
export function AccessDenied({ tokenSource = null }: { tokenSource?: TokenSource | null }) {
  return (
    <main className="denied" id="main">
      <div className="denied-card" role="alert" data-token-source={tokenSource ?? 'unknown'}>
        <div className="denied-icon" aria-hidden="true">
          <Lock size={22} />
        </div>
        <h1>Access denied</h1>
        <WhereIsTheToken source={tokenSource} />
      </div>
    </main>
  );
}
