/** UPS services as billed → transport mode (emission estimates; see docs/emissions.md). */
import { defineServiceModes } from '../../src/carrier-kit/index.js';

export const upsModes = defineServiceModes({
  carrier: 'ups',
  services: [
    { service: 'Dom. Standard', mode: 'road', domestic: true, why: 'UPS Standard within one country: ground network' },
    { service: 'TB Standard', mode: 'road', why: 'UPS Standard across borders (transborder): road line-haul between European hubs' },
    { service: 'Ground', mode: 'road', domestic: true, why: 'UPS Ground (US): day-definite ground network within the country' },
    { service: 'Ground Commercial', mode: 'road', domestic: true, why: 'UPS Ground to a business address (US): ground network' },
    { service: 'Ground Residential', mode: 'road', domestic: true, why: 'UPS Ground to a residence (US): ground network' },
    { service: 'WW Standard', mode: 'road', why: 'UPS Worldwide Standard (US→CA in the samples): ground service to neighbouring countries' },
    { service: 'WW Expedited', mode: 'air', why: 'UPS Worldwide Expedited: scheduled day-definite air service' },
    { service: 'WW Express Saver', mode: 'air', why: 'UPS Worldwide Express Saver: express air network' },
    { service: 'WW Express', mode: 'air', why: 'UPS Worldwide Express: express air network' },
  ],
});
