import { expect, test, type Page } from '@playwright/test';
import { GvmSimulator } from '../simulators/gvm/server.js';
import { startZapSimulator, type ZapSimulator } from '../simulators/zap/index.js';
import { ADMIN, testPki } from '../simulators/gvm/harness.js';
import { keychainAvailable, screenshotPath, startServe, type Served } from './serve-fixture.js';

// The scanners whose connectors hold a secret, end to end in the console: each added on Tools (the
// password or API key goes to the vault, under a key in a real Secret Service), then a scan
// started from the Scans screen and followed to its findings. Greenbone: gvmd's certificate is
// trusted on first use and the scan takes the options gvmd lists. (SpiderFoot: scans.spec.ts.)
test.skip(!keychainAvailable(), 'needs dbus-run-session and gnome-keyring-daemon for the vault key');
test.describe.configure({ mode: 'serial' });

const ZAP_KEY = 'zap-e2e-key-5c2a91';
let gvm: GvmSimulator;
let zap: ZapSimulator;
let served: Served;

test.beforeAll(async () => {
  const pki = await testPki();
  // one step per poll (the app polls every 5 s): Requested, Queued, Running, Processing, Done
  gvm = await GvmSimulator.start({ tls: pki.server, progressStep: 50, reportSize: 24 });
  zap = await startZapSimulator({ apiKey: ZAP_KEY, spiderMs: 4000, ascanMs: 6000 });
  served = await startServe({ keychain: true });
});

test.afterAll(async () => {
  await served?.stop();
  await gvm?.close();
  await zap?.close();
});

async function goto(page: Page, screen: 'Tools' | 'Scans'): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: screen }).click();
  await expect(page.getByRole('heading', { name: screen, level: 1 })).toBeVisible();
}

test('add gvmd on Tools (trust its certificate), start a scan with the configs it lists, follow it to its findings', async ({ page }) => {
  test.setTimeout(180_000);
  await page.goto(served.url);
  await goto(page, 'Tools');
  await page.getByTestId('add-connector').click();
  const dialog = page.getByTestId('connector-dialog');
  await dialog.getByTestId('kind-gvm').click();
  await expect(dialog.getByRole('heading', { name: 'Add Greenbone / OpenVAS (GMP)' })).toBeVisible();
  await dialog.getByLabel(/^Name/).fill('Lab gvmd');
  await dialog.getByLabel('URL').fill(`tls://127.0.0.1:${gvm.tlsPort}`);
  await dialog.getByLabel('User name').fill(ADMIN.username);
  await dialog.getByLabel('Password').fill(ADMIN.password);
  await dialog.getByTestId('connector-test').click();

  // gvmd's certificate comes from its own CA: shown with its fingerprint before any login
  const outcome = dialog.getByTestId('test-result');
  await expect(outcome).toHaveAttribute('data-kind', 'tls_untrusted');
  expect(gvm.stats.authentications).toBe(0);
  await outcome.getByTestId('trust-certificate').click();
  await expect(dialog.getByTestId('test-result')).toHaveAttribute('data-ok', 'true');
  await expect(dialog.getByTestId('test-result')).toContainText('GMP 22.7');
  await dialog.getByTestId('connector-save').click();
  await expect(dialog).toBeHidden();
  const card = page.getByTestId('connector-card').filter({ hasText: 'Lab gvmd' });
  await expect(card).toHaveAttribute('data-health', 'ok', { timeout: 30_000 });
  await expect(card).toContainText('Pinned certificate');
  expect(await page.content()).not.toContain(ADMIN.password);

  await goto(page, 'Scans');
  await page.getByTestId('new-scan').click();
  const start = page.getByTestId('start-scan-dialog');
  await start.getByLabel('Scanner', { exact: true }).selectOption({ label: 'Lab gvmd (Greenbone)' });
  const options = start.getByTestId('gvm-options');
  await expect(options.getByLabel('Scan config')).toHaveValue(/.+/);
  await expect(options.getByLabel('Scan config').locator('option:checked')).toHaveText('Full and fast');
  await expect(options.getByLabel('Port list').locator('option:checked')).toHaveText('All IANA assigned TCP');
  await expect(options.getByLabel('gvmd scanner').locator('option:checked')).toHaveText('OpenVAS Default');
  await options.getByLabel('Scan config').selectOption({ label: 'Discovery' });
  await options.getByLabel('Alive test').selectOption('Consider Alive');
  await start.getByTestId('scan-target').fill('https://shop.example/');
  await expect(start.getByText(/Greenbone scans hosts, not URLs/)).toBeVisible();
  await expect(start.getByTestId('start-scan-confirm')).toBeDisabled();
  await start.getByTestId('scan-target').fill('10.0.0.5, 10.0.1.0/24');
  await page.screenshot({ path: screenshotPath('scans-gvm-start') });
  await start.getByTestId('start-scan-confirm').click();
  await expect(start).toBeHidden();

  const row = page.getByTestId('scan-row-1');
  await expect(row).toContainText('Greenbone');
  await expect(page.getByTestId('scan-log')).toContainText('scan config "Discovery"');
  await expect(row).toContainText('Finished', { timeout: 90_000 });
  await expect(row.getByTestId('scan-progress')).toContainText('100 %');
  await expect(page.getByTestId('scan-log')).toContainText('min_qod=70');
  const task = [...gvm.state.tasks.values()][0]!;
  expect(gvm.state.configs.get(task.configId)?.name).toBe('Discovery');
  const findings = row.getByRole('link');
  await expect(findings).not.toHaveText('0');
  await page.screenshot({ path: screenshotPath('scans-gvm') });
  await findings.click();
  await expect(page.getByRole('heading', { name: 'Findings', level: 1 })).toBeVisible();
  await expect(page.getByTestId('findings-table').locator('tbody tr').first()).toContainText('Greenbone');
});

test('add ZAP on Tools with its API key, spider and active-scan a site, see its alerts as findings', async ({ page }) => {
  test.setTimeout(180_000);
  await page.goto(served.url);
  await goto(page, 'Tools');
  await page.getByTestId('add-connector').click();
  const dialog = page.getByTestId('connector-dialog');
  await dialog.getByTestId('kind-zap').click();
  await dialog.getByLabel(/^Name/).fill('Web ZAP');
  await dialog.getByLabel('URL').fill(zap.url);
  await dialog.getByLabel('API key').fill(ZAP_KEY);
  await dialog.getByTestId('connector-test').click();
  await expect(dialog.getByTestId('test-result')).toHaveAttribute('data-ok', 'true');
  await dialog.getByTestId('connector-save').click();
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId('connector-card').filter({ hasText: 'Web ZAP' })).toHaveAttribute('data-health', 'ok', { timeout: 30_000 });
  expect(await page.content()).not.toContain(ZAP_KEY);

  await goto(page, 'Scans');
  await page.getByTestId('new-scan').click();
  const start = page.getByTestId('start-scan-dialog');
  await start.getByLabel('Scanner', { exact: true }).selectOption({ label: 'Web ZAP (ZAP)' });
  await start.getByTestId('scan-target').fill('10.0.0.5');
  await expect(start.getByText('ZAP scans a web address')).toBeVisible();
  await start.getByTestId('scan-target').fill('http://shop.example.test/');
  await start.getByTestId('start-scan-confirm').click();
  await expect(start).toBeHidden();
  const row = page.getByTestId('scan-row-2');
  await expect(row).toContainText('ZAP');
  await expect(row.getByTestId('scan-progress')).toContainText(/\d+ %/);
  await expect(row).toContainText('Finished', { timeout: 120_000 });
  await expect(page.getByTestId('scan-log')).toContainText('passive scan backlog');
  const findings = row.getByRole('link');
  await expect(findings).not.toHaveText('0');
  await findings.click();
  await expect(page.getByTestId('findings-table').locator('tbody tr').first()).toContainText('ZAP');
});
