/** Royal Mail services as billed → transport mode (emission estimates; see docs/emissions.md). */
import { defineServiceModes } from '../../src/carrier-kit/index.js';

export const royalMailModes = defineServiceModes({
  carrier: 'royal-mail',
  // Royal Mail business accounts hand items over in the UK; the invoices state no sender country.
  originCountry: 'GB',
  services: [
    { service: 'Tracked 24', mode: 'road', domestic: true, why: 'Royal Mail Tracked 24: UK next-day (some next-day mail flies within the UK; the invoice does not say which, road is assumed)' },
    { service: 'ROYAL MAIL TRACKED 24', mode: 'road', domestic: true, why: 'Royal Mail Tracked 24 (BEX spelling): UK next-day, road assumed' },
    { service: 'Tracked 48', mode: 'road', domestic: true, why: 'Royal Mail Tracked 48: UK two-day, road network' },
    { service: 'ROYAL MAIL TRACKED 48', mode: 'road', domestic: true, why: 'Royal Mail Tracked 48 (BEX spelling): UK two-day, road network' },
    { service: 'ROYAL MAIL 48 SORT8 LL', mode: 'road', domestic: true, why: 'Royal Mail 48 (Sort8 large letter): UK two-day, road network' },
    { service: 'ROYAL MAIL SIGNED FOR 1C\\2C', mode: 'road', domestic: true, why: 'Royal Mail Signed For 1st/2nd class: UK, road assumed' },
    { service: 'Special Delivery Guaranteed by 1pm', mode: 'road', domestic: true, why: 'Special Delivery Guaranteed: UK next-day, road assumed' },
    { service: 'Special Delivery Guaranteed by 9am', mode: 'road', domestic: true, why: 'Special Delivery Guaranteed: UK next-day, road assumed' },
    { service: 'Intl Business Parcels Tracked DDP', mode: 'air', why: 'International Business Parcels Tracked: international mail, by air outside Europe' },
    { service: 'INTERNATIONAL BUSINESS PARCELS TRACKED', mode: 'air', why: 'International Business Parcels Tracked: international mail, by air' },
    { service: 'Intl Business Tracked Packet', mode: 'air', why: 'International Business Tracked: international mail, by air' },
  ],
});
