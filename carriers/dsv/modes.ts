/** DSV Road products as billed → transport mode (emission estimates; see docs/emissions.md). */
import { defineServiceModes } from '../../src/carrier-kit/index.js';

export const dsvModes = defineServiceModes({
  carrier: 'dsv',
  services: [
    { service: 'Groupage', mode: 'road', vehicle: 'hgv', why: 'DSV Road groupage: consolidated pallets on trucks' },
    { service: 'Part load', mode: 'road', vehicle: 'hgv', why: 'DSV Road part load: a share of a truck' },
    { service: 'Parcel', mode: 'road', why: 'DSV parcel: road parcel service' },
  ],
});
