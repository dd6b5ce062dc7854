/**
 * Royal Mail Online Business Account: log in (with the one-time code step), search invoices by date, and fetch every
 * invoice file through the logged-in session, several at once.
 */
import { listInvoices, signIn, type DownloadContext, type PortalMarkup } from '../../src/carrier-kit/index.js';

/** The portal's markup, as our mock portal (fixtures/portal) reproduces it. */
export const ROYAL_MAIL_PORTAL = {
  paths: { login: 'account/login', search: 'account/invoices' },
  fields: { user: 'accountEmail', password: 'accountPassword', code: 'securityCode', from: 'fromDate', to: 'toDate' },
  buttons: { cookieAccept: 'Accept cookies', login: 'Sign in', verify: 'Continue', search: 'Find invoices', next: 'Next' },
  dateFormat: 'DD/MM/YYYY',
  messages: { badCredentials: 'invalid username or password', badCode: 'invalid code', maintenance: 'maintenance' },
} as const satisfies PortalMarkup;

export async function downloadRoyalMail(ctx: DownloadContext): Promise<void> {
  await signIn(ctx, ROYAL_MAIL_PORTAL);
  const documents = await listInvoices(ctx, ROYAL_MAIL_PORTAL);
  ctx.step(`download ${documents.length} invoice file(s)`);
  await ctx.fetchAll(documents);
}
