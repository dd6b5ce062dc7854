/** DPD products as billed → transport mode (emission estimates; see docs/emissions.md). */
import { defineServiceModes } from '../../src/carrier-kit/index.js';

export const dpdModes = defineServiceModes({
  carrier: 'dpd',
  services: [
    { service: 'Classic', mode: 'road', why: 'DPD Classic: road parcel network, national and European' },
    { service: 'Express 12', mode: 'road', why: 'DPD Express 12 (Europe): time-definite on the road network (DPD does not say air for these lanes)' },
    { service: 'Home', mode: 'road', why: 'DPD Home: road delivery to private receivers' },
    { service: 'Predict', mode: 'road', why: 'DPD Predict: road parcel with a delivery window' },
  ],
});
