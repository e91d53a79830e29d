/*
 * Opens the headless WebSocket (`vigil serve`) while the app's code is still downloading and
 * compiling, so the handshake is over by the time the app makes its first calls; the transport
 * (renderer/api/ws-transport.ts) adopts this socket instead of opening its own. A classic async
 * script from the app's own origin (the CSP allows no inline script): it holds nothing up.
 *
 * It only opens the socket the transport would open itself: same path, same token (read from the
 * launch link or sessionStorage, as renderer/api/token.ts does, without changing either), and it
 * sends nothing (the server pushes only events before the first call, and the app has no
 * listener before it runs either). In the desktop app (the preload's bridge is present), or
 * without a token, it does nothing.
 */
(function () {
  'use strict';
  try {
    // '__vigilEarlySocket' in window: the app is already running (this script came late)
    if (window.vigil || '__vigilEarlySocket' in window || (location.protocol !== 'http:' && location.protocol !== 'https:')) return;
    var token = new URL(location.href).searchParams.get('token');
    if (!token) {
      try {
        token = sessionStorage.getItem('vigil.token');
      } catch (e) {
        token = null;
      }
    }
    if (!token) return;
    var url = (location.protocol === 'https:' ? 'wss' : 'ws') + '://' + location.host + '/api/ws?token=' + encodeURIComponent(token);
    window.__vigilEarlySocket = { url: url, socket: new WebSocket(url) };
  } catch (e) {
    // the app opens its own socket
  }
})();
