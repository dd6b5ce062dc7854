/**
 * Steps most carrier portals share, driven by each carrier's own markup knowledge (paths, field
 * names, button texts: data in its download.ts). Each step checks what the portal answered and
 * turns it into a PortalError: transient (retry) or not (stop the account).
 */
import type { Page, Response } from 'playwright';
import { PortalError } from '../errors.js';
import type { DownloadContext, PortalDocument } from './portal.js';

export interface PortalMarkup {
  /** Paths relative to the portal's base URL. */
  readonly paths: { readonly login: string; readonly search: string };
  /** `name` attributes of the form inputs. */
  readonly fields: { readonly user: string; readonly password: string; readonly code: string; readonly from: string; readonly to: string };
  /** Visible texts of the buttons and links. */
  readonly buttons: { readonly cookieAccept: string; readonly login: string; readonly verify: string; readonly search: string; readonly next: string };
  /** How the search form wants dates. */
  readonly dateFormat: 'YYYY-MM-DD' | 'DD.MM.YYYY' | 'DD/MM/YYYY';
  /** Words of the portal's own error messages, by meaning (lower case). */
  readonly messages: { readonly badCredentials: string; readonly maintenance: string };
}

function formatDate(iso: string, f: PortalMarkup['dateFormat']): string {
  const [y, m, d] = iso.split('-');
  return f === 'YYYY-MM-DD' ? iso : f === 'DD.MM.YYYY' ? `${d}.${m}.${y}` : `${d}/${m}/${y}`;
}

/** Fails on HTTP errors: 5xx and 429 are transient, other 4xx are not. */
export function checkResponse(res: Response | null, what: string): void {
  if (res === null) return;
  const status = res.status();
  if (status >= 500 || status === 429) throw new PortalError(`${what} answered HTTP ${status}`, true);
  if (status >= 400) throw new PortalError(`${what} answered HTTP ${status}`, false);
}

async function errorText(page: Page): Promise<string> {
  const el = page.locator('.error, [role=alert]').first();
  return (await el.count()) > 0 ? ((await el.textContent()) ?? '').trim() : '';
}

/** Clicks the cookie banner's accept button when the banner is shown. */
export async function acceptCookies(page: Page, text: string): Promise<void> {
  const button = page.getByRole('button', { name: text, exact: true });
  if ((await button.count()) > 0 && (await button.isVisible())) {
    await Promise.all([page.waitForLoadState('load'), button.click()]);
  }
}

/** Opens the login page, accepts cookies, signs in, answers the TOTP page if asked. */
export async function signIn(ctx: DownloadContext, m: PortalMarkup): Promise<void> {
  const { page } = ctx;
  ctx.step('open login page');
  const res = await page.goto(new URL(m.paths.login, ctx.baseUrl).toString());
  if (res?.status() === 503 || (await page.content()).toLowerCase().includes(m.messages.maintenance)) {
    throw new PortalError('the portal shows a maintenance page', true);
  }
  checkResponse(res, 'the login page');
  await acceptCookies(page, m.buttons.cookieAccept);
  ctx.step('login');
  await page.fill(`input[name="${m.fields.user}"]`, ctx.credentials.username);
  await page.fill(`input[name="${m.fields.password}"]`, ctx.credentials.password);
  const [login] = await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: m.buttons.login, exact: true }).click()]);
  checkResponse(login, 'the login form');
  const loginError = (await errorText(page)).toLowerCase();
  if (loginError.includes(m.messages.badCredentials)) throw new PortalError('the portal refused the username or password', false);
  if (loginError !== '') throw new PortalError(`login failed: ${loginError}`, true);
  const codeInput = page.locator(`input[name="${m.fields.code}"]`);
  if ((await codeInput.count()) > 0) {
    ctx.step('one-time code');
    await codeInput.fill(ctx.credentials.totp());
    const [verify] = await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: m.buttons.verify, exact: true }).click()]);
    checkResponse(verify, 'the one-time code form');
    const codeError = (await errorText(page)).toLowerCase();
    // an expired or refused code is retried with a fresh one
    if (codeError !== '') throw new PortalError(`the portal refused the one-time code (${codeError})`, true);
  }
  await ctx.authenticated();
}

/** Fails when the portal sent us back to its login page: the session expired. */
async function checkStillLoggedIn(ctx: DownloadContext, m: PortalMarkup): Promise<void> {
  if (new URL(ctx.page.url()).pathname.endsWith(`/${m.paths.login}`)) throw new PortalError('the portal session expired', true);
}

/**
 * Searches the date window and walks every page of results, collecting each row's document id
 * (`data-document`) and download link (`a.download`, when the portal shows one).
 */
export async function listInvoices(ctx: DownloadContext, m: PortalMarkup): Promise<PortalDocument[]> {
  const { page } = ctx;
  ctx.step('search');
  checkResponse(await page.goto(new URL(m.paths.search, ctx.baseUrl).toString()), 'the invoice search');
  await checkStillLoggedIn(ctx, m);
  await page.fill(`input[name="${m.fields.from}"]`, formatDate(ctx.window.from, m.dateFormat));
  await page.fill(`input[name="${m.fields.to}"]`, formatDate(ctx.window.to, m.dateFormat));
  const [first] = await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: m.buttons.search, exact: true }).click()]);
  checkResponse(first, 'the invoice list');
  const docs: PortalDocument[] = [];
  for (let p = 1; ; p++) {
    ctx.step(`invoice list page ${p}`);
    await checkStillLoggedIn(ctx, m);
    const rows = page.locator('tr[data-document]');
    for (let i = 0; i < (await rows.count()); i++) {
      const row = rows.nth(i);
      const id = (await row.getAttribute('data-document')) ?? '';
      const link = row.locator('a.download');
      const href = (await link.count()) > 0 ? await link.getAttribute('href') : null;
      docs.push({ portalId: id, url: href ?? '' });
    }
    const next = page.getByRole('link', { name: m.buttons.next, exact: true });
    if ((await next.count()) === 0) break;
    const [res] = await Promise.all([page.waitForNavigation(), next.click()]);
    checkResponse(res, `invoice list page ${p + 1}`);
  }
  return docs;
}

/**
 * The usual portal flow: sign in, list the window's invoices page by page, and fetch them all
 * through the logged-in session, several at once. A carrier whose portal works differently
 * (DHL's prepared exports) writes its own flow from the same steps.
 */
export function standardDownload(m: PortalMarkup): (ctx: DownloadContext) => Promise<void> {
  return async (ctx) => {
    await signIn(ctx, m);
    const documents = await listInvoices(ctx, m);
    ctx.step(`download ${documents.length} invoice file(s)`);
    await ctx.fetchAll(documents);
  };
}
