import { describe, expect, it } from 'vitest';
import { checkIpcSender, type FrameLike, type WebContentsLike } from '../../main/shell/sender-check.js';
import { isAppUrl } from '../../main/shell/app-url.js';

function frame(url: string): FrameLike {
  return { url };
}
function contents(id: number, url = 'app://vigil/index.html'): WebContentsLike {
  return { id, mainFrame: frame(url) };
}

describe('checkIpcSender', () => {
  it('accepts the main frame of our window on app://vigil', () => {
    const wc = contents(1);
    expect(checkIpcSender({ sender: wc, senderFrame: wc.mainFrame }, wc)).toEqual({ ok: true });
  });

  it('accepts client-side routes and query strings of our origin', () => {
    const wc = contents(1, 'app://vigil/alerts/42?tab=raw#x');
    expect(checkIpcSender({ sender: wc, senderFrame: wc.mainFrame }, wc).ok).toBe(true);
  });

  it('refuses when there is no window', () => {
    const wc = contents(1);
    expect(checkIpcSender({ sender: wc, senderFrame: wc.mainFrame }, null).ok).toBe(false);
  });

  it('refuses another webContents', () => {
    const ours = contents(1);
    const other = contents(2);
    const verdict = checkIpcSender({ sender: other, senderFrame: other.mainFrame }, ours);
    expect(verdict).toMatchObject({ ok: false, reason: expect.stringContaining('not the Vigil window') });
  });

  it('refuses a subframe of our window, even one on our own origin', () => {
    const wc = contents(1);
    const sub = frame('app://vigil/index.html');
    expect(checkIpcSender({ sender: wc, senderFrame: sub }, wc)).toMatchObject({ ok: false, reason: expect.stringContaining('main frame') });
  });

  it('accepts the main frame by frame node id when the wrapper differs, refuses a subframe id', () => {
    const wc: WebContentsLike = { id: 1, mainFrame: { url: 'app://vigil/index.html', frameTreeNodeId: 7 } };
    expect(checkIpcSender({ sender: wc, senderFrame: { url: 'app://vigil/index.html', frameTreeNodeId: 7 } }, wc).ok).toBe(true);
    expect(checkIpcSender({ sender: wc, senderFrame: { url: 'app://vigil/index.html', frameTreeNodeId: 8 } }, wc).ok).toBe(false);
  });

  it('refuses a frame that is gone (senderFrame null)', () => {
    const wc = contents(1);
    expect(checkIpcSender({ sender: wc, senderFrame: null }, wc)).toMatchObject({ ok: false, reason: expect.stringContaining('gone') });
  });

  it.each([
    'https://evil.example/',
    'http://vigil/',
    'file:///etc/passwd',
    'app://evil/index.html',
    'app://vigil.evil/index.html',
    'app://vigil:8080/index.html',
    'app://user:pw@vigil/index.html',
    'about:blank',
    'data:text/html,<script>1</script>',
    'devtools://devtools/bundled/inspector.html',
    '',
  ])('refuses the main frame when it shows %s', (url) => {
    const wc = contents(1, url);
    expect(checkIpcSender({ sender: wc, senderFrame: wc.mainFrame }, wc)).toMatchObject({ ok: false });
  });
});

describe('isAppUrl', () => {
  it('knows our origin', () => {
    expect(isAppUrl('app://vigil/')).toBe(true);
    expect(isAppUrl('app://vigil')).toBe(true);
    expect(isAppUrl('APP://VIGIL/index.html')).toBe(true);
  });
  it('refuses everything else', () => {
    expect(isAppUrl('app:vigil')).toBe(false);
    expect(isAppUrl('https://vigil/')).toBe(false);
    expect(isAppUrl(undefined)).toBe(false);
    expect(isAppUrl(42)).toBe(false);
  });
});
