import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test, type Locator, type Page } from '@playwright/test';
import { screenshotPath, startServe, vigil, type Served } from './serve-fixture.js';

let served: Served;
let work: string;

test.beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-e2e-src-'));
  fs.mkdirSync(path.join(work, 'logs'));
  // the browser may add only files under the source folders vigil serve was given
  served = await startServe({ dataDir: path.join(work, 'data'), args: ['--source-dir', path.join(work, 'logs')] });
});

test.afterAll(async () => {
  await served?.stop();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

/** One Suricata EVE alert line, timestamped now (same shape as test/fixtures/eve). */
function eveAlert(i: number, signature: string, severity = 2): string {
  const ts = new Date().toISOString().replace('Z', '+0000');
  return JSON.stringify({
    timestamp: ts,
    flow_id: 7_000_000 + i,
    in_iface: 'eth0',
    event_type: 'alert',
    src_ip: `203.0.113.${10 + i}`,
    src_port: 40_000 + i,
    dest_ip: '192.168.1.10',
    dest_port: 22,
    proto: 'TCP',
    alert: { action: 'allowed', gid: 1, signature_id: 2_100_000 + i, rev: 1, signature, category: 'Attempted Information Leak', severity },
  });
}

function num(text: string | null): number {
  return Number((text ?? '').replace(/[^\d]/g, ''));
}

async function counter(row: Locator, testId: string): Promise<number> {
  return num(await row.getByTestId(testId).textContent());
}

async function openSources(page: Page): Promise<void> {
  await page.goto(served.url);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Sources' }).click();
  await expect(page.getByRole('heading', { name: 'Sources', level: 1 })).toBeVisible();
}

test('follow a file from the UI: live counters, contract errors, quarantine, pause/resume, remove', async ({ page }) => {
  const file = path.join(work, 'logs', 'eve.json');
  fs.writeFileSync(file, `${eveAlert(1, 'E2E ET SCAN first probe')}\n${eveAlert(2, 'E2E ET SCAN second probe', 1)}\n`);

  await openSources(page);
  await expect(page.getByRole('heading', { name: 'No sources yet' })).toBeVisible();

  // Add through the dialog
  await page.getByRole('button', { name: 'Add followed file' }).first().click();
  const dialog = page.getByRole('dialog', { name: 'Add followed file' });
  await expect(dialog).toBeVisible();
  await expect(dialog).toHaveAttribute('aria-modal', 'true');
  await expect(dialog.getByLabel('File path')).toBeFocused();
  // a file outside the source folders is refused, and the dialog says by which rule
  await dialog.getByLabel('File path').fill('/etc/passwd');
  await dialog.getByRole('button', { name: 'Add source' }).click();
  await expect(dialog.getByRole('alert')).toContainText('/etc/passwd is outside the source folders vigil serve allows');
  await dialog.getByLabel('File path').fill(file);
  await dialog.getByRole('radio', { name: /Suricata EVE/ }).check();
  await dialog.getByRole('radio', { name: /Beginning of the file/ }).check();
  await dialog.getByRole('button', { name: 'Add source' }).click();
  await expect(dialog).toBeHidden();

  const row = page.getByTestId('source-row').filter({ hasText: 'eve.json' });
  await expect(row).toBeVisible();
  await expect.poll(() => counter(row, 'source-events')).toBe(2);
  await expect.poll(() => counter(row, 'source-alerts')).toBeGreaterThan(0);
  await expect(row.getByText(/^(Running|Caught up)$/)).toBeVisible();

  // The same path again: the contract's CONFLICT is shown inside the dialog; Escape closes it.
  await page.getByRole('button', { name: 'Add followed file' }).first().click();
  await dialog.getByLabel('File path').fill(file);
  await dialog.getByRole('button', { name: 'Add source' }).click();
  await expect(dialog.getByRole('alert')).toContainText('already a source');
  // Focus stays trapped in the dialog.
  for (let i = 0; i < 8; i++) await page.keyboard.press('Tab');
  expect(await dialog.evaluate((d) => d.contains(document.activeElement))).toBe(true);
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();

  // New lines appear live, a broken one is quarantined with its reason.
  fs.appendFileSync(file, `${eveAlert(3, 'E2E ET SCAN third probe')}\n{"timestamp": "broken\n${eveAlert(4, 'E2E ET SCAN fourth probe')}\n`);
  await expect.poll(() => counter(row, 'source-events')).toBe(4);
  await expect.poll(() => counter(row, 'source-quarantined')).toBe(1);

  const quarantine = page.getByRole('region', { name: 'Quarantine' });
  const qRow = quarantine.getByTestId('quarantine-row').first();
  await expect(qRow).toContainText('eve.json:4');
  await expect(qRow).toContainText(/invalid JSON/i);
  await qRow.getByRole('button', { name: /Show the raw line/ }).click();
  await expect(quarantine.locator('pre')).toHaveText('{"timestamp": "broken');
  await expect(quarantine.getByRole('button', { name: 'Copy raw line' })).toBeVisible();

  // Pause: nothing is read; Resume: the pending line comes in.
  await row.getByRole('button', { name: 'Pause eve.json' }).click();
  await expect(row.getByText('Paused')).toBeVisible();
  fs.appendFileSync(file, `${eveAlert(5, 'E2E ET SCAN fifth probe')}\n`);
  await page.waitForTimeout(2500);
  expect(await counter(row, 'source-events')).toBe(4);
  await row.getByRole('button', { name: 'Resume eve.json' }).click();
  await expect.poll(() => counter(row, 'source-events')).toBe(5);
  await expect(row.getByText(/^(Running|Caught up)$/)).toBeVisible();

  await page.screenshot({ path: screenshotPath('sources') });

  // Remove, with confirmation
  await row.getByRole('button', { name: 'Remove eve.json' }).click();
  const confirm = page.getByRole('alertdialog', { name: 'Remove this source?' });
  await expect(confirm).toBeVisible();
  await expect(confirm.getByRole('button', { name: 'Cancel' })).toBeFocused();
  await confirm.getByRole('button', { name: 'Remove source' }).click();
  await expect(confirm).toBeHidden();
  await expect(row).toHaveCount(0);
});

test('start the simulator from the UI, see counters move and a P1/P2 notification', async ({ page }) => {
  await openSources(page);
  const sim = page.getByRole('region', { name: 'Simulator' });
  await sim.getByRole('radio', { name: /Brute force/ }).check();
  await sim.getByLabel('Rate').fill('100');
  await sim.getByLabel('Duration').fill('6');
  await sim.getByRole('button', { name: 'Start simulator' }).click();
  await expect(sim.getByRole('button', { name: 'Stop' })).toBeVisible();
  await expect.poll(async () => num(await sim.getByTestId('sim-records').textContent())).toBeGreaterThan(50);
  await expect.poll(async () => num(await sim.getByTestId('sim-alerts').textContent())).toBeGreaterThan(0);

  // New P1/P2 alerts raise ONE grouped toast, linking to the alerts.
  const toast = page.getByTestId('alert-toast').first();
  await expect(toast).toBeVisible({ timeout: 15_000 });
  await expect(toast).toContainText(/new P[12](\/P2)? alerts?/);
  await expect(toast.getByRole('link').first()).toHaveAttribute('href', /^#\/alerts\/\d+$/);
  expect(await page.getByTestId('alert-toast').count()).toBeLessThanOrEqual(3);

  await page.screenshot({ path: screenshotPath('sources-simulator') });

  await expect(sim.getByRole('button', { name: 'Start simulator' })).toBeVisible({ timeout: 15_000 });
  await expect(page.getByTestId('source-row').filter({ hasText: 'brute force' })).toBeVisible();
});

test('do not disturb is a header toggle persisted in settings', async ({ page }) => {
  await page.goto(served.url);
  const on = page.getByRole('button', { name: 'Turn on do not disturb' });
  await expect(on).toBeEnabled();
  await on.click();
  const off = page.getByRole('button', { name: 'Turn off do not disturb' });
  await expect(off).toBeVisible();
  await page.reload();
  await expect(page.getByRole('button', { name: 'Turn off do not disturb' })).toBeEnabled();
  await page.getByRole('button', { name: 'Turn off do not disturb' }).click();
  await expect(page.getByRole('button', { name: 'Turn on do not disturb' })).toBeVisible();
});

test('record types, who reads a file, and a time zone for timestamps without an offset', async ({ page }) => {
  // another process follows a file of the same data directory
  const other = path.join(work, 'other-eve.json');
  fs.writeFileSync(other, `${eveAlert(20, 'E2E ET POLICY followed elsewhere')}\n`);
  const tail = vigil(['tail', '--format', 'eve', other, '--data-dir', served.dataDir]);
  try {
    const file = path.join(work, 'logs', 'sensor.json'); // under the --source-dir vigil serve allows
    const local = (i: number) => eveAlert(i, 'E2E ET SCAN local time').replace(/"timestamp":"[^"]+"/, '"timestamp":"2019-01-02T03:50:10.576769"');
    const flow = JSON.stringify({ timestamp: new Date().toISOString().replace('Z', '+0000'), event_type: 'flow', src_ip: '10.0.0.1', dest_ip: '10.0.0.2', proto: 'TCP' });
    const dns = JSON.stringify({ timestamp: new Date().toISOString().replace('Z', '+0000'), event_type: 'dns', src_ip: '10.0.0.1', dest_ip: '10.0.0.53', proto: 'UDP' });
    fs.writeFileSync(file, [eveAlert(10, 'E2E ET SCAN with offset'), flow, dns, flow, local(11)].join('\n') + '\n');

    await openSources(page);
    await page.getByRole('button', { name: 'Add followed file' }).first().click();
    const dialog = page.getByRole('dialog', { name: 'Add followed file' });
    await dialog.getByLabel('File path').fill(file);
    await dialog.getByRole('button', { name: 'Add source' }).click();
    await expect(dialog).toBeHidden();

    const row = page.getByTestId('source-row').filter({ hasText: 'sensor.json' });
    await expect.poll(() => counter(row, 'source-events')).toBe(1);
    await expect.poll(() => counter(row, 'source-quarantined')).toBe(1);
    await expect(row.getByTestId('source-types')).toHaveText('flow 2 · dns 1');
    const quarantine = page.getByRole('region', { name: 'Quarantine' });
    await expect(quarantine.getByTestId('quarantine-row').first()).toContainText('no UTC offset');

    // the file the CLI follows says who reads it
    const elsewhere = page.getByTestId('source-row').filter({ hasText: 'other-eve.json' });
    await expect(elsewhere.getByTestId('source-holder')).toContainText(`Read by vigil tail (pid ${tail.pid})`);

    // a time zone: an unknown name is refused inline, a real one reads the next offset-less lines
    await row.getByRole('button', { name: 'Time zone of sensor.json' }).click();
    const tz = page.getByRole('dialog', { name: 'Time zone of sensor.json' });
    await expect(tz.getByLabel(/Time zone for timestamps/)).toBeFocused();
    await tz.getByLabel(/Time zone for timestamps/).fill('Mars/Olympus_Mons');
    await tz.getByRole('button', { name: 'Save time zone' }).click();
    await expect(tz.getByRole('alert')).toContainText('not a time zone name');
    await tz.getByLabel(/Time zone for timestamps/).fill('Europe/Paris');
    await tz.getByRole('button', { name: 'Save time zone' }).click();
    await expect(tz).toBeHidden();
    await expect(row.getByTestId('source-timezone')).toHaveText('Times without offset: Europe/Paris');
    fs.appendFileSync(file, `${local(12)}\n`);
    await expect.poll(() => counter(row, 'source-events')).toBe(2);
    await page.screenshot({ path: screenshotPath('sources-types-timezone') });
  } finally {
    const exited = new Promise((r) => tail.once('exit', r));
    tail.kill('SIGTERM');
    await exited;
  }
});
