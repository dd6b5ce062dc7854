/**
 * DSV Online Services: log in (with the one-time code step), search invoices by date, and fetch every
 * invoice file through the logged-in session, several at once.
 */
import { standardDownload, type PortalMarkup } from '../../src/carrier-kit/index.js';

/** The portal's markup, as our mock portal (fixtures/portal) reproduces it. */
export const DSV_PORTAL = {
  paths: { login: 'sso/login', search: 'finance/invoices' },
  fields: { user: 'username', password: 'password', code: 'mfaCode', from: 'fromDate', to: 'toDate' },
  buttons: { cookieAccept: 'Accepter alle', login: 'Log ind', verify: 'Bekræft', search: 'Søg', next: 'Næste' },
  dateFormat: 'DD.MM.YYYY',
  messages: { badCredentials: 'invalid username or password', maintenance: 'maintenance' },
} as const satisfies PortalMarkup;

export const downloadDsv = standardDownload(DSV_PORTAL);
