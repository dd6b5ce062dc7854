/**
 * UPS Billing Center: log in (with the one-time code step), search invoices by date, and fetch
 * every invoice's CSV through the logged-in session, several at once.
 */
import { standardDownload, type PortalMarkup } from '../../src/carrier-kit/index.js';

/** The Billing Center's markup, as our mock portal (fixtures/portal) reproduces it. */
export const UPS_PORTAL = {
  paths: { login: 'login', search: 'billing/search' },
  fields: { user: 'userid', password: 'pwd', code: 'otp', from: 'startDate', to: 'endDate' },
  buttons: { cookieAccept: 'Accept All Cookies', login: 'Log In', verify: 'Verify', search: 'Search', next: 'Next' },
  dateFormat: 'YYYY-MM-DD',
  messages: { badCredentials: 'invalid username or password', maintenance: 'maintenance' },
} as const satisfies PortalMarkup;

export const downloadUps = standardDownload(UPS_PORTAL);
