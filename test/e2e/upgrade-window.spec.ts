import { expect, test } from '@playwright/test';
import { upgradeStatus, upgradeStatusFragment } from '../../main/core/upgrade-status.js';
import { screenshotPath, startServe, type Served } from './serve-fixture.js';

// The desktop app's upgrade window (main/shell/upgrade-window.ts) loads upgrading.html from the
// renderer's build and changes only its fragment. The same page, from `vigil serve`'s static files,
// under the same CSP.
let served: Served;

test.beforeAll(async () => {
  served = await startServe();
});
test.afterAll(async () => {
  await served?.stop();
});

test('the upgrade page shows the backup’s progress, then a schema step, as its fragment changes', async ({ page }) => {
  // the window's size (upgrade-window.ts: 560 × 340, title bar included), in the console's dark theme
  await page.setViewportSize({ width: 560, height: 310 });
  await page.emulateMedia({ colorScheme: 'dark' });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  const at = (fragment: string) => `${served.origin}/upgrading.html#${fragment}`;
  const backup = upgradeStatus({ step: 'backup', file: '/home/analyst/.config/Vigil/vigil.db.v21.2026-12-07T10-02-11-412Z.bak', copied: 2_372, total: 5_120 });
  await page.goto(at(upgradeStatusFragment(backup)));
  await expect(page.getByRole('heading', { name: 'Upgrading Vigil’s database' })).toBeVisible();
  await expect(page.getByRole('status')).toHaveText('Backing up the database first: 46 %');
  await expect(page.getByRole('progressbar')).toHaveAttribute('aria-valuenow', '46');
  await expect(page.getByText('The copy is kept as vigil.db.v21.2026-12-07T10-02-11-412Z.bak in /home/analyst/.config/Vigil.')).toBeVisible();
  await page.screenshot({ path: screenshotPath('upgrade-window-backup') });
  // all of it fits in the window: nothing to scroll
  expect(await page.evaluate(() => document.documentElement.scrollHeight)).toBeLessThanOrEqual(310);

  // the window changes the fragment only: the page is not loaded again, it follows
  await page.evaluate(() => ((window as unknown as { marker: number }).marker = 1));
  await page.goto(at(upgradeStatusFragment(upgradeStatus({ step: 'migrate', version: 22, name: 'records-address-fields' }))));
  await expect(page.getByRole('status')).toHaveText('Applying schema change 22: records address fields');
  // no share can be told: the bar sweeps, with no value
  await expect(page.getByRole('progressbar')).not.toHaveAttribute('aria-valuenow', /.*/);
  await expect(page.getByRole('progressbar')).toHaveClass(/indeterminate/);
  expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(1);
  await page.screenshot({ path: screenshotPath('upgrade-window-schema') });

  // text stays text
  await page.goto(at(new URLSearchParams({ step: '<img src=x onerror=alert(1)>', detail: '<b>bold</b>' }).toString()));
  await expect(page.getByRole('status')).toHaveText('<img src=x onerror=alert(1)>');
  expect(await page.locator('img').count()).toBe(1); // the Vigil mark only
  expect(errors).toEqual([]);
});
