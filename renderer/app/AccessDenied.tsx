import { Lock } from 'lucide-react';

/** Shown when the headless server refuses the token (close code 4001) or there is none. */
export function AccessDenied() {
  return (
    <main className="denied" id="main">
      <div className="denied-card" role="alert">
        <div className="denied-icon" aria-hidden="true">
          <Lock size={22} />
        </div>
        <h1>Access denied</h1>
        <p>
          This page needs the link printed by <code>vigil serve</code>, with its token.
        </p>
        <p className="muted">
          Open the full link shown in the terminal where <code>vigil serve</code> is running (it ends in{' '}
          <code>?token=…</code>). Tokens change every time the server starts.
        </p>
      </div>
    </main>
  );
}
