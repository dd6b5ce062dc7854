/**
 * Royal Mail Online Business Account: log in (with the one-time code step), search invoices by date, and fetch every
 * invoice file through the logged-in session, several at once.
 */
import { standardDownload, type PortalMarkup } from '../../src/carrier-kit/index.js';

/** The portal's markup, as our mock portal (fixtures/portal) reproduces it. */
export const ROYAL_MAIL_PORTAL = {
  paths: { login: 'account/login', search: 'account/invoices' },
  fields: { user: 'accountEmail', password: 'accountPassword', code: 'securityCode', from: 'fromDate', to: 'toDate' },
  buttons: { cookieAccept: 'Accept cookies', login: 'Sign in', verify: 'Continue', search: 'Find invoices', next: 'Next' },
  dateFormat: 'DD/MM/YYYY',
  messages: { badCredentials: 'invalid username or password', maintenance: 'maintenance' },
} as const satisfies PortalMarkup;

export const downloadRoyalMail = standardDownload(ROYAL_MAIL_PORTAL);
