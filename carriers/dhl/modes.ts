/** DHL Express products as billed → transport mode (emission estimates; see docs/emissions.md). */
import { defineServiceModes } from '../../src/carrier-kit/index.js';

export const dhlModes = defineServiceModes({
  carrier: 'dhl',
  services: [
    { service: 'DOMESTIC EXPRESS', mode: 'road', domestic: true, why: 'DHL Express domestic: the national time-definite network, by road for the distances in the samples (DE→DE)' },
    { service: 'EXPRESS WORLDWIDE', mode: 'air', why: 'DHL Express Worldwide: international express on the DHL air network' },
    { service: 'EXPRESS WORLDWIDE doc', mode: 'air', why: 'DHL Express Worldwide (documents): international express on the DHL air network' },
    { service: 'EXPRESS WORLDWIDE nondoc', mode: 'air', why: 'DHL Express Worldwide (parcels): international express on the DHL air network' },
    { service: 'EXPRESS WORLDWIDE EU', mode: 'air', why: 'DHL Express Worldwide within the EU: billed as the air express product (some lanes are trucked; the invoice does not say which)' },
    { service: 'DUTIES & TAXES', mode: 'none', why: 'duties and taxes paid on the receiver\'s behalf: a billed line that moves nothing' },
  ],
});
