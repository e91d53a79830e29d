import { expect, test } from '@playwright/test';
import { screenshotPath, startServe, type Served } from './serve-fixture.js';

let served: Served;

test.beforeAll(async () => {
  served = await startServe();
});
test.afterAll(async () => {
  await served?.stop();
});

test('the page loads with the token, connects, and shows the Alerts empty state', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  await page.goto(served.url);
  await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Dashboard', level: 1 })).toBeVisible(); // the landing screen
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Alerts' }).click();
  await expect(page.getByRole('heading', { name: 'Alerts', level: 1 })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'No alerts yet' })).toBeVisible();
  // the token does not linger in the address bar
  expect(new URL(page.url()).searchParams.get('token')).toBeNull();
  await page.screenshot({ path: screenshotPath('foundation-alerts-empty'), fullPage: true });
  expect(errors).toEqual([]);
});

test('the About screen shows the version, schema and health', async ({ page }) => {
  await page.goto(served.url);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'About' }).click();
  await expect(page.getByRole('heading', { name: 'About Vigil' })).toBeVisible();
  await expect(page.getByText('Version 0.1.0')).toBeVisible();
  await expect(page.getByText(served.dataDir, { exact: false }).first()).toBeVisible();
  await page.screenshot({ path: screenshotPath('foundation-about'), fullPage: true });
});

test('the theme toggle switches to light and back', async ({ page }) => {
  await page.goto(served.url);
  await page.getByRole('button', { name: 'Switch to light theme' }).click();
  await expect(page.getByRole('button', { name: 'Switch to dark theme' })).toBeVisible();
  await page.screenshot({ path: screenshotPath('foundation-alerts-light'), fullPage: true });
  await page.getByRole('button', { name: 'Switch to dark theme' }).click();
});

test('without the token the contract refuses and the page says so', async ({ page, request }) => {
  const res = await request.get(`${served.origin}/api/health`);
  expect(res.status()).toBe(401);
  const wrong = await request.get(`${served.origin}/api/health?token=not-the-token`);
  expect(wrong.status()).toBe(401);
  await page.goto(`${served.origin}/`);
  await expect(page.getByRole('heading', { name: 'Access denied' })).toBeVisible();
  // the server was given its token in VIGIL_TOKEN: the page says so instead of asking for a per-launch link
  await expect(page.getByRole('alert')).toHaveAttribute('data-token-source', 'env');
  await expect(page.getByRole('alert')).toContainText('The token was fixed when vigil serve started (given with VIGIL_TOKEN)');
  // from the app's own origin, a socket without the token is closed with 4001, a wrong one too
  const codes = await page.evaluate(async (origin) => {
    const close = (url: string) => new Promise<number>((resolve) => (new WebSocket(url).onclose = (e) => resolve(e.code)));
    const base = `${origin.replace('http', 'ws')}/api/ws`;
    return [await close(base), await close(`${base}?token=not-the-token`)];
  }, served.origin);
  expect(codes).toEqual([4001, 4001]);
  await page.screenshot({ path: screenshotPath('foundation-access-denied'), fullPage: true });
});

test('opened on the Alerts screen, the page uses the socket opened before its code ran and asks for the list first', async ({ page }) => {
  // which script made each socket: the early classic script is document.currentScript, a module is not
  await page.addInitScript(() => {
    const Native = window.WebSocket;
    const made: string[] = [];
    (window as unknown as { __made: string[] }).__made = made;
    window.WebSocket = class extends Native {
      constructor(url: string | URL, protocols?: string | string[]) {
        super(url, protocols);
        made.push((document.currentScript as HTMLScriptElement | null)?.src.split('/').pop() ?? 'module');
      }
    };
  });
  const sent: string[] = [];
  page.on('websocket', (ws) => ws.on('framesent', (f) => sent.push((JSON.parse(String(f.payload)) as { channel: string }).channel)));
  await page.goto(`${served.url}#/alerts`);
  await expect(page.getByRole('heading', { name: 'No alerts yet' })).toBeVisible();
  await expect.poll(() => sent.includes('settings.get')).toBe(true);
  // one socket only: the early script's, adopted by the app (or, should the script come after the
  // app's code on a loaded machine, the app's own; the takeover itself: ws-transport-early.test.ts)
  const made = await page.evaluate(() => (window as unknown as { __made: string[] }).__made);
  expect(made).toHaveLength(1);
  if (made[0] !== 'early-socket.js') console.warn(`the early socket script ran after the app (${made[0]})`);
  expect(sent[0]).toBe('alerts.list');
  expect(sent.filter((c) => c === 'alerts.list')).toHaveLength(1); // the screen does not ask again
});

test('a wrong token in the link: the early socket is refused and the page says so', async ({ page }) => {
  await page.goto(`${served.origin}/?token=${'x'.repeat(40)}#/alerts`);
  await expect(page.getByRole('heading', { name: 'Access denied' })).toBeVisible();
});

test('index.html preloads the Latin faces of the fonts the first screen uses', async ({ request }) => {
  const html = await (await request.get(`${served.origin}/`)).text();
  const fonts = [...html.matchAll(/<link rel="preload" as="font" type="font\/woff2" crossorigin="" href="\.\/(assets\/[^"]+)">/g)].map((m) => m[1]!);
  expect(fonts.map((f) => f.replace(/-[\w-]{8}\.woff2$/, ''))).toEqual([
    'assets/inter-latin-400-normal',
    'assets/inter-latin-500-normal',
    'assets/inter-latin-600-normal',
    'assets/jetbrains-mono-latin-400-normal',
    'assets/jetbrains-mono-latin-500-normal',
  ]);
  for (const f of fonts) expect((await request.get(`${served.origin}/${f}`)).status()).toBe(200);
});
