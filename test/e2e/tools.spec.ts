import { expect, test, type Page } from '@playwright/test';
import { startWazuhSimulator, type WazuhSimulator } from '../simulators/wazuh/index.js';
import { holdCalls, keychainAvailable, screenshotPath, startServe, type Served } from './serve-fixture.js';

// Connector secrets go to the vault under a key in the OS keychain: vigil serve runs here in its
// own D-Bus session with a throwaway gnome-keyring.
test.skip(!keychainAvailable(), 'needs dbus-run-session and gnome-keyring-daemon (a Secret Service for the vault)');

const PASSWORD = 'E2e-Wazuh-Pa55!';
test.describe.configure({ mode: 'serial' });

let sim: WazuhSimulator;
let served: Served;

test.beforeAll(async () => {
  sim = await startWazuhSimulator({ agents: 40, seed: 3, api: { users: { 'wazuh-wui': PASSWORD } } });
  served = await startServe({ keychain: true });
});

test.afterAll(async () => {
  await served?.stop();
  await sim?.close();
});

async function goto(page: Page, screen: 'Tools' | 'Agents'): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: screen }).click();
  await expect(page.getByRole('heading', { name: screen, level: 1 })).toBeVisible();
}

test('add a Wazuh connector on Tools (trust on first use), see its agents, restart one, see failures surfaced', async ({ page }) => {
  test.setTimeout(180_000);
  await page.goto(served.url);
  await goto(page, 'Tools');
  await expect(page.getByRole('heading', { name: 'No tools connected yet' })).toBeVisible();

  // --- add, through the form built from the kind's schema
  await page.getByTestId('add-connector').click();
  let dialog = page.getByTestId('connector-dialog');
  await dialog.getByTestId('kind-wazuh-api').click();
  await expect(dialog.getByRole('heading', { name: 'Add Wazuh server API' })).toBeVisible();
  await dialog.getByLabel(/^Name/).fill('Prod manager');
  await dialog.getByLabel('URL').fill(sim.apiUrl);
  await dialog.getByLabel('User name').fill('wazuh-wui');
  await dialog.getByLabel('Password').fill(PASSWORD);
  await dialog.getByTestId('connector-test').click();

  // Wazuh's self-signed certificate: shown with its fingerprint, nothing sent before it is trusted
  const outcome = dialog.getByTestId('test-result');
  await expect(outcome).toHaveAttribute('data-kind', 'tls_untrusted');
  await expect(outcome.getByTestId('certificate-fingerprint')).toHaveText(sim.apiServer.cert!.fingerprint256);
  expect(sim.api.logins).toBe(0);
  await page.screenshot({ path: screenshotPath('tools-trust') });
  await outcome.getByTestId('trust-certificate').click();
  await expect(dialog.getByTestId('test-result')).toHaveAttribute('data-ok', 'true');
  await expect(dialog.getByTestId('test-result')).toContainText('Wazuh API 4.14.7');
  await dialog.getByTestId('connector-save').click();
  await expect(dialog).toBeHidden();

  const card = page.getByTestId('connector-card').filter({ hasText: 'Prod manager' });
  await expect(card).toHaveAttribute('data-health', 'ok', { timeout: 30_000 });
  await expect(card).toContainText('in the keychain');
  await expect(card).toContainText('Pinned certificate');
  // the secret never comes back to the browser
  expect(await page.content()).not.toContain(PASSWORD);
  await card.getByRole('button', { name: 'Edit Prod manager' }).click();
  dialog = page.getByTestId('connector-dialog');
  await expect(dialog.getByLabel('Password')).toHaveValue('');
  await expect(dialog.getByText('Saved in the keychain and never shown')).toBeVisible();
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await page.screenshot({ path: screenshotPath('tools') });

  // --- agents: the inventory synced in the background
  await card.getByRole('link', { name: 'Agents' }).click();
  await expect(page.getByRole('heading', { name: 'Agents', level: 1 })).toBeVisible();
  const grid = page.getByTestId('agents-grid');
  await expect(grid.getByTestId('agent-row').first()).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId('agents-sync')).toContainText('41 agents');
  const activeCount = sim.api.agents.filter((a) => a.status === 'active').length;
  await expect(page.getByTestId('status-chip-active')).toContainText(String(activeCount));
  await page.getByTestId('status-chip-active').click();
  await expect(page.getByTestId('status-chip-active')).toHaveAttribute('aria-pressed', 'true');
  await expect.poll(async () => new Set(await grid.getByTestId('agent-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-status'))))).toEqual(new Set(['active']));

  // --- restart one agent, behind a confirmation that names it
  const target = sim.api.agents.find((a) => a.id !== '000' && a.status === 'active')!;
  await page.getByTestId('agents-search').fill(target.name);
  const row = grid.locator(`[data-testid="agent-row"][data-agent-id="${target.id}"]`);
  await expect(row).toBeVisible();
  await expect(grid.getByTestId('agent-row')).toHaveCount(1);
  await row.click();
  const detail = page.getByTestId('agent-detail');
  await expect(detail).toContainText(target.name);
  await detail.getByTestId('agent-restart').click();
  const confirm = page.getByTestId('agent-action-dialog');
  await expect(confirm.getByRole('heading', { name: 'Restart on 1 agent?' })).toBeVisible();
  await expect(confirm.getByTestId('action-agents')).toContainText(`${target.id}${target.name}`);
  await page.screenshot({ path: screenshotPath('agents-restart-confirm') });
  expect(sim.api.actions).toEqual([]);
  await confirm.getByTestId('action-confirm').click();
  await expect(confirm.getByTestId('action-result')).toHaveAttribute('data-state', 'queued');
  await expect(confirm).toContainText('Queued, not confirmed');
  expect(sim.api.actions).toEqual([{ type: 'restart', agents: [target.id] }]);
  await confirm.getByTestId('action-done').click();
  await expect(detail.getByText(/Restart by .*: queued/)).toBeVisible();

  // --- a failure surfaced: an agent Wazuh refuses, with Wazuh's words
  const down = sim.api.agents.find((a) => a.status === 'disconnected')!;
  await page.getByTestId('status-chip-active').click();
  await page.getByTestId('agents-search').fill(down.name);
  await grid.locator(`[data-testid="agent-row"][data-agent-id="${down.id}"]`).click();
  await detail.getByTestId('agent-restart').click();
  await expect(confirm).toContainText('not active: Wazuh will refuse it');
  await confirm.getByTestId('action-confirm').click();
  await expect(confirm.getByTestId('action-result')).toHaveAttribute('data-state', 'not_queued');
  await expect(confirm.getByTestId('action-failed')).toContainText('Cannot send request, agent is not active');
  await expect(confirm.getByTestId('action-failed')).toContainText('Wazuh error 1707');
  await page.screenshot({ path: screenshotPath('agents-restart-failed') });
  await confirm.getByTestId('action-done').click();

  // --- and a tool that stops accepting the password shows on Tools
  sim.api.opts.users = { 'wazuh-wui': 'rotated-by-the-admin' };
  sim.api.revokeTokens();
  await goto(page, 'Tools');
  await card.getByRole('button', { name: 'Check now' }).click();
  await expect(card).toHaveAttribute('data-health', 'auth_failed', { timeout: 30_000 });
  await expect(card.getByTestId('connector-problem')).toContainText('Wrong user name or password');
  await page.screenshot({ path: screenshotPath('tools-auth-failed') });
});

test('the value menu on the Agents list: a name filters the alerts, an address hunts itself', async ({ page }) => {
  // the connector added above: its inventory is in the list
  await page.goto(`${served.url}#/agents`);
  const grid = page.getByTestId('agents-grid');
  const target = sim.api.agents.find((a) => a.id !== '000' && a.status === 'active')!;
  await page.getByTestId('agents-search').fill(target.name);
  const row = grid.locator(`[data-testid="agent-row"][data-agent-id="${target.id}"]`);
  await expect(grid.getByTestId('agent-row')).toHaveCount(1, { timeout: 30_000 });
  // the keyboard on the row: Space selects it, Enter opens its detail
  await row.focus();
  await page.keyboard.press(' ');
  await expect(row).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByTestId('agents-selection')).toContainText('1 selected');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('agent-detail')).toHaveAttribute('data-agent-id', target.id);
  await page.keyboard.press(' ');
  await expect(row).toHaveAttribute('aria-selected', 'false');
  // the row keeps the keyboard: the values are a right-click, with no tab stop of their own
  const name = row.locator('[data-value-kind="host"]');
  await expect(name).toHaveText(target.name);
  await expect(name).not.toHaveAttribute('tabindex');
  await name.click({ button: 'right' });
  const menu = page.getByRole('menu', { name: `Actions on ${target.name}` });
  // a host name is no field of the sensor records: no hunt, the alerts and a copy
  await expect(menu.getByRole('menuitem')).toHaveText([`Filter alerts by ${target.name}`, `Scan ${target.name}…`, 'Copy']);
  await page.screenshot({ path: screenshotPath('agents-value-menu') });
  await menu.getByRole('menuitem', { name: `Filter alerts by ${target.name}` }).click();
  // the queue filtered by the agent (this data directory has no alert yet)
  await expect(page.getByRole('heading', { name: 'Alerts', level: 1 })).toBeVisible();
  await expect.poll(() => new URL(page.url()).hash).toBe(`#/alerts?host=${encodeURIComponent(target.name)}`);

  await page.goBack();
  await page.getByTestId('agents-search').fill(target.name);
  const address = row.locator('[data-value-kind="ip"]');
  await expect(address).toHaveText(target.ip);
  await address.click({ button: 'right' });
  // a month after the agent was last heard from, its address hunts the week up to then
  const heard = Date.parse(target.lastKeepAlive!);
  await page.clock.setFixedTime(heard + 30 * 86_400_000);
  await page.getByRole('menu', { name: `Actions on ${target.ip}` }).getByRole('menuitem', { name: `Hunt ${target.ip}` }).click();
  await expect(page.getByRole('searchbox', { name: 'Query' })).toHaveValue(`ip:${target.ip}`);
  const view = new URLSearchParams(new URL(page.url()).hash.split('?')[1]);
  expect([view.get('from'), view.get('to')]).toEqual([new Date(heard - 7 * 86_400_000).toISOString(), new Date(heard + 86_400_000).toISOString()]);
});

test('the Agents screen keeps its search while the managers are still being listed', async ({ page }) => {
  // hold the agent list and the manager list on the socket: the screen is loading when the text is typed
  const hold = await holdCalls(page, ['wazuh.agents.list', 'connectors.list']);
  const heldOn = (channel: string) => hold.held.filter((c) => c.channel === channel).length;
  const target = sim.api.agents.find((a) => a.id !== '000' && a.status === 'active')!;
  await page.goto(`${served.url}#/agents`);
  await expect.poll(() => heldOn('connectors.list')).toBeGreaterThan(0);
  await expect.poll(() => heldOn('wazuh.agents.list')).toBeGreaterThan(0);
  const search = page.getByTestId('agents-search');
  await search.fill(target.name);
  // the local inventory answers before the managers: no manager is known yet, so the list and the
  // filters stay, with the text typed, and the filtered list comes
  hold.release('wazuh.agents.list');
  const grid = page.getByTestId('agents-grid');
  await expect(grid.getByTestId('agent-row')).toHaveCount(1, { timeout: 30_000 });
  await expect(page.getByText('No Wazuh manager connected')).toHaveCount(0);
  await expect(search).toHaveValue(target.name);
  hold.release('connectors.list');
  await expect(search).toHaveValue(target.name);
  await expect(grid.locator(`[data-testid="agent-row"][data-agent-id="${target.id}"]`)).toBeVisible();
});
