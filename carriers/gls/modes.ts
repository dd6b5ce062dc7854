/** GLS products as billed → transport mode (emission estimates; see docs/emissions.md). */
import { defineServiceModes } from '../../src/carrier-kit/index.js';

export const glsModes = defineServiceModes({
  carrier: 'gls',
  services: [
    { service: 'BP', mode: 'road', domestic: true, why: 'GLS BusinessParcel (abbreviated): national road parcel service' },
    { service: 'BusinessParcel', mode: 'road', domestic: true, why: 'GLS BusinessParcel: national road parcel service' },
    { service: 'EBP', mode: 'road', vehicle: 'hgv', why: 'GLS EuroBusinessParcel (abbreviated): cross-border road parcel service (line-haul trucks)' },
    { service: 'EuroBusinessParcel', mode: 'road', vehicle: 'hgv', why: 'GLS EuroBusinessParcel: cross-border road parcel service (line-haul trucks)' },
  ],
});
