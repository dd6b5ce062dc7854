/**
 * DPD customer portal: log in (with the one-time code step), search invoices by date, and fetch
 * every invoice CSV through the logged-in session, several at once.
 */
import { standardDownload, type PortalMarkup } from '../../src/carrier-kit/index.js';

/** The portal's markup, as our mock portal (fixtures/portal) reproduces it. */
export const DPD_PORTAL = {
  paths: { login: 'inloggen', search: 'facturen/zoeken' },
  fields: { user: 'gebruikersnaam', password: 'wachtwoord', code: 'verificatiecode', from: 'vanaf', to: 'tot' },
  buttons: { cookieAccept: 'Alle cookies accepteren', login: 'Inloggen', verify: 'Bevestigen', search: 'Zoeken', next: 'Volgende' },
  dateFormat: 'DD.MM.YYYY',
  messages: { badCredentials: 'invalid username or password', maintenance: 'maintenance' },
} as const satisfies PortalMarkup;

export const downloadDpd = standardDownload(DPD_PORTAL);
