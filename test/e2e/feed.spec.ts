import net from 'node:net';
import { expect, test } from '@playwright/test';
import WebSocket from 'ws';
import { runVigil, screenshotPath, startServe, type Served } from './serve-fixture.js';

let served: Served;

test.beforeAll(async () => {
  served = await startServe();
});

test.afterAll(async () => {
  await served?.stop();
});

/** A loopback port nobody listens on right now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

interface FeedClient {
  ws: WebSocket;
  frames: Array<{ type: string }>;
  opened: Promise<void>;
  closed: Promise<{ code: number; reason: string }>;
}

/** A native-protocol client, as a teammate's script would connect. */
function connect(url: string, token: string): FeedClient {
  const ws = new WebSocket(url, { headers: { Authorization: `Bearer ${token}` } });
  const frames: Array<{ type: string }> = [];
  ws.on('message', (data: WebSocket.RawData) => frames.push(JSON.parse(String(data)) as { type: string }));
  const opened = new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.once('close', (code, reason) => resolve({ code, reason: String(reason) })));
  return { ws, frames, opened, closed };
}

/** The HTTP status a connection attempt is refused with before the upgrade (0: it was not). */
function refusedWith(url: string, token: string): Promise<number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { headers: { Authorization: `Bearer ${token}` } });
    ws.once('unexpected-response', (_req, res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    ws.once('open', () => {
      ws.close();
      resolve(0);
    });
    ws.on('error', () => {});
  });
}

test('turn the feed on, create a token once, see a teammate connect, revoke it', async ({ page }) => {
  const port = await freePort();
  await page.goto(served.url);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Feed' }).click();
  expect(new URL(page.url()).hash).toBe('#/feed');
  await expect(page.getByRole('heading', { name: 'Feed', level: 1 })).toBeVisible();

  // Off by default: the designed empty state, and the switch says so.
  await expect(page.getByRole('heading', { name: 'The feed is off' })).toBeVisible();
  const feedSwitch = page.getByRole('switch', { name: 'LAN feed' });
  await expect(feedSwitch).toHaveAttribute('aria-checked', 'false');
  const tokens = page.getByTestId('panel-feed-tokens');
  await expect(tokens.getByRole('heading', { name: 'No tokens yet' })).toBeVisible();

  // A contract-shaped error stays inline: a token-less dialect without an allow-list.
  const settings = page.getByTestId('panel-feed-settings');
  await settings.getByRole('checkbox', { name: 'Aegis IDS' }).check();
  await settings.getByRole('button', { name: 'Save changes' }).click();
  await expect(settings.getByText(/cannot send a token: list the addresses/)).toBeVisible();
  await expect(settings.getByTestId('feed-allow-aegis')).toHaveAttribute('aria-invalid', 'true');
  await settings.getByRole('checkbox', { name: 'Aegis IDS' }).uncheck();

  // Enable on a free loopback port: the unsaved port goes with the switch (loopback: no confirmation).
  await settings.getByLabel('Port', { exact: true }).fill(String(port));
  await expect(settings.getByText('Unsaved changes')).toBeVisible();
  await feedSwitch.click();
  await expect(feedSwitch).toHaveAttribute('aria-checked', 'true');
  await expect(page.getByTestId('feed-state')).toHaveAttribute('data-running', 'true');
  const status = page.getByTestId('panel-feed-status');
  const nativeUrl = `ws://127.0.0.1:${port}/ws/v1/alerts`;
  await expect(status.getByTestId('feed-url').filter({ hasText: nativeUrl })).toBeVisible();
  await expect(settings.getByText('Unsaved changes')).toBeHidden();
  const clients = page.getByTestId('panel-feed-clients');
  await expect(clients.getByRole('heading', { name: 'No one is connected' })).toBeVisible();

  // Create a viewer token: shown once, with a warning; Done closes the dialog.
  await tokens.getByRole('button', { name: 'Create token' }).first().click();
  const dialog = page.getByRole('dialog', { name: 'Create a feed token' });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByLabel('Name')).toBeFocused();
  await dialog.getByLabel('Name').fill('alice-laptop');
  await dialog.getByRole('radio', { name: /Viewer/ }).check();
  await dialog.getByRole('radio', { name: '30 days' }).check({ force: true });
  await dialog.getByRole('button', { name: 'Create token' }).click();
  const created = page.getByRole('dialog', { name: 'Token created' });
  await expect(created).toBeVisible();
  await expect(created.getByText('it is shown only once')).toBeVisible();
  const secret = await created.getByTestId('feed-token-secret').inputValue();
  expect(secret).toMatch(/^vgf_[A-Za-z0-9_-]{43}$/);
  await created.getByRole('button', { name: 'Done' }).click();
  await expect(created).toBeHidden();
  const row = tokens.getByTestId('feed-token-row').filter({ hasText: 'alice-laptop' });
  await expect(row).toBeVisible();
  await expect(row.getByTestId('feed-token-state')).toHaveText(/Active/);
  await expect(row).toContainText('viewer');
  // The secret is nowhere on the page once the dialog is gone.
  await expect(page.locator('body')).not.toContainText(secret);

  // A real teammate client connects with it and shows up under Connected clients.
  const client = connect(nativeUrl, secret);
  await client.opened;
  await expect.poll(() => client.frames[0]?.type).toBe('hello');
  const clientRow = clients.getByTestId('feed-client-row').filter({ hasText: 'alice-laptop' });
  await expect(clientRow).toBeVisible();
  await expect(clientRow).toContainText('127.0.0.1');
  await expect(clientRow).toContainText('Vigil native');
  await expect(page.getByTestId('feed-total-active')).toHaveText('1');
  await expect(row.getByTestId('feed-token-last-used')).toContainText('127.0.0.1');

  // Alerts written by another Vigil process reach it live and are counted.
  const sim = await runVigil(['simulate', '--scenario', 'mixed', '--rate', '100', '--duration', '2', '--seed', '3', '--json', '--data-dir', served.dataDir]);
  expect(sim.code).toBe(0);
  await expect.poll(() => client.frames.filter((f) => f.type === 'alert.new').length, { timeout: 15_000 }).toBeGreaterThan(0);
  await expect.poll(async () => Number((await page.getByTestId('feed-total-alerts').textContent())?.replace(/\D/g, '') ?? 0)).toBeGreaterThan(0);

  // The simulated P1/P2 alerts raise toasts: dismiss them for a clean screenshot.
  // toasts also leave by themselves: click whichever is still there, a bounded number of times
  const dismiss = page.getByRole('button', { name: 'Dismiss notification' });
  for (let i = 0; i < 20 && (await dismiss.count()) > 0; i++) await dismiss.first().click({ timeout: 2000 }).catch(() => {});
  await page.screenshot({ path: screenshotPath('feed') });

  // Revoke (with confirmation): the open socket is closed with 4001 and the token is refused from now on.
  await row.getByRole('button', { name: 'Revoke alice-laptop' }).click();
  const confirm = page.getByRole('dialog', { name: /Revoke “alice-laptop”/ });
  await expect(confirm).toBeVisible();
  await expect(confirm).toContainText('1 open connection');
  await expect(confirm.getByRole('button', { name: 'Cancel' })).toBeFocused();
  await confirm.getByRole('button', { name: 'Revoke token' }).click();
  await expect(confirm).toBeHidden();
  expect((await client.closed).code).toBe(4001);
  await expect(row.getByTestId('feed-token-state')).toHaveText(/Revoked/);
  await expect(clients.getByRole('heading', { name: 'No one is connected' })).toBeVisible();

  // a revoked token is refused before the upgrade: HTTP 401, no socket
  expect(await refusedWith(nativeUrl, secret)).toBe(401);

  // Light theme of the same screen, for review.
  await page.getByRole('button', { name: 'Switch to light theme' }).click();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
  for (let i = 0; i < 20 && (await dismiss.count()) > 0; i++) await dismiss.first().click({ timeout: 2000 }).catch(() => {});
  await page.screenshot({ path: screenshotPath('feed-light') });
  await page.getByRole('button', { name: 'Switch to dark theme' }).click();
});
