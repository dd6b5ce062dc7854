/**
 * DHL MyBill: log in (with the one-time code step), filter invoices by date, and for each invoice
 * start an export, wait until MyBill has prepared it, and download it with a click.
 */
import { checkResponse, signIn, type DownloadContext, type PortalMarkup } from '../../src/carrier-kit/index.js';

/** MyBill's markup, as our mock portal (fixtures/portal) reproduces it. */
export const DHL_PORTAL = {
  paths: { login: 'auth/signin', search: 'invoices/filter' },
  fields: { user: 'email', password: 'password', code: 'token', from: 'dateFrom', to: 'dateTo' },
  buttons: { cookieAccept: 'Allow all', login: 'Sign in', verify: 'Confirm', search: 'Apply filter', next: 'Next page' },
  dateFormat: 'YYYY-MM-DD',
  messages: { badCredentials: 'invalid username or password', maintenance: 'maintenance' },
} as const satisfies PortalMarkup;

const PREPARE = 'Prepare download';

export async function downloadDhl(ctx: DownloadContext): Promise<void> {
  const { page } = ctx;
  await signIn(ctx, DHL_PORTAL);
  ctx.step('filter invoices');
  checkResponse(await page.goto(new URL(DHL_PORTAL.paths.search, ctx.baseUrl).toString()), 'the invoice filter');
  await page.fill(`input[name="${DHL_PORTAL.fields.from}"]`, ctx.window.from);
  await page.fill(`input[name="${DHL_PORTAL.fields.to}"]`, ctx.window.to);
  const [first] = await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: DHL_PORTAL.buttons.search, exact: true }).click()]);
  checkResponse(first, 'the invoice list');
  for (let p = 1; ; p++) {
    ctx.step(`invoice list page ${p}`);
    const rows = page.locator('tr[data-document]');
    const ids: string[] = [];
    for (let i = 0; i < (await rows.count()); i++) ids.push((await rows.nth(i).getAttribute('data-document')) ?? '');
    for (const id of ids) {
      if (ctx.alreadyHave(id)) continue;
      ctx.step(`prepare ${id}`);
      const row = page.locator(`tr[data-document="${id}"]`);
      await row.getByRole('button', { name: PREPARE, exact: true }).click();
      // the export is prepared asynchronously: the link appears when MyBill is done
      const link = row.locator('a.download');
      await link.waitFor({ state: 'visible' });
      ctx.step(`download ${id}`);
      await ctx.captureDownload(id, () => link.click());
    }
    const next = page.getByRole('link', { name: DHL_PORTAL.buttons.next, exact: true });
    if ((await next.count()) === 0) break;
    const [res] = await Promise.all([page.waitForNavigation(), next.click()]);
    checkResponse(res, `invoice list page ${p + 1}`);
  }
}
