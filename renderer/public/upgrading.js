/*
 * The desktop app's upgrade window (main/shell/upgrade-window.ts): shows the status the main
 * process puts in the address's fragment (main/core/upgrade-status.ts), and again each time it
 * changes. Text only (textContent): nothing in the fragment becomes markup.
 */
(function () {
  'use strict';
  function show() {
    var q = new URLSearchParams(location.hash.slice(1));
    var step = q.get('step');
    if (step) document.getElementById('upgrade-step').textContent = step;
    document.getElementById('upgrade-detail').textContent = q.get('detail') || '';
    var bar = document.getElementById('upgrade-bar');
    var done = Number(q.get('done'));
    if (q.has('done') && isFinite(done)) {
      // as the step's text says it (core/upgrade-status.ts): whole percents, rounded down
      var pct = Math.max(0, Math.min(100, Math.floor(done * 100)));
      bar.classList.remove('indeterminate');
      bar.setAttribute('aria-valuenow', String(pct));
      document.getElementById('upgrade-fill').style.width = pct + '%';
    } else {
      bar.classList.add('indeterminate');
      bar.removeAttribute('aria-valuenow');
      document.getElementById('upgrade-fill').style.width = '';
    }
  }
  window.addEventListener('hashchange', show);
  show();
})();
