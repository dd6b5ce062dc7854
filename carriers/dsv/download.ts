/**
 * DSV Online Services: log in (with the one-time code step), search invoices by date, and fetch every
 * invoice file through the logged-in session, several at once.
 */
import { listInvoices, signIn, type DownloadContext, type PortalMarkup } from '../../src/carrier-kit/index.js';

/** The portal's markup, as our mock portal (fixtures/portal) reproduces it. */
export const DSV_PORTAL = {
  paths: { login: 'sso/login', search: 'finance/invoices' },
  fields: { user: 'username', password: 'password', code: 'mfaCode', from: 'fromDate', to: 'toDate' },
  buttons: { cookieAccept: 'Accepter alle', login: 'Log ind', verify: 'Bekræft', search: 'Søg', next: 'Næste' },
  dateFormat: 'DD.MM.YYYY',
  messages: { badCredentials: 'invalid username or password', badCode: 'invalid code', maintenance: 'maintenance' },
} as const satisfies PortalMarkup;

export async function downloadDsv(ctx: DownloadContext): Promise<void> {
  await signIn(ctx, DSV_PORTAL);
  const documents = await listInvoices(ctx, DSV_PORTAL);
  ctx.step(`download ${documents.length} invoice file(s)`);
  await ctx.fetchAll(documents);
}
