/**
 * GLS ParcelShop Business: log in (with the one-time code step), search invoices by date, and fetch every
 * invoice file through the logged-in session, several at once.
 */
import { standardDownload, type PortalMarkup } from '../../src/carrier-kit/index.js';

/** The portal's markup, as our mock portal (fixtures/portal) reproduces it. */
export const GLS_PORTAL = {
  paths: { login: 'anmelden', search: 'rechnungen/suche' },
  fields: { user: 'benutzer', password: 'kennwort', code: 'einmalcode', from: 'von', to: 'bis' },
  buttons: { cookieAccept: 'Alle akzeptieren', login: 'Anmelden', verify: 'Bestätigen', search: 'Suchen', next: 'Weiter' },
  dateFormat: 'DD.MM.YYYY',
  messages: { badCredentials: 'invalid username or password', maintenance: 'maintenance' },
} as const satisfies PortalMarkup;

export const downloadGls = standardDownload(GLS_PORTAL);
