/**
 * The carrier kit's API: everything a carrier folder may import (eslint.config.js enforces it).
 * A carrier declares layouts and a charge map and gets its adapter from `defineCarrier`; the raw
 * lines and parse batches the adapter streams are the engine's business (contract.ts), so the
 * engine can change behind this file.
 */
export type { CarrierAdapter, CarrierLocale, ChargeMap, ColumnLabels } from './contract.js';
export type { ChargeCode } from '../model/charge-codes.js';
// exact amount arithmetic for layouts that check or split amounts (Royal Mail commentary, DHL totals)
export { parseMinor, type NumberFormat } from '../parsing/amounts.js';
export { formatMinor, minorDigits } from '../model/money.js';
/** Copy a field's text before keeping it for the whole file (a slice pins its read chunk). */
export { detach } from '../parsing/text.js';
/** An exact compact set of short texts to remember for a whole file (packages already counted). */
export { CompactStringSet } from '../model/string-set.js';
export type { DownloadContext, PortalCredentials, PortalDocument } from './portal.js';
export { PortalError } from '../errors.js';
export { acceptCookies, checkResponse, listInvoices, signIn, standardDownload, type PortalMarkup } from './portal-flow.js';
export { defineCarrier, normalizeName } from './define.js';
export {
  defineLayout,
  type CarrierDefinition,
  type ChargeDraft,
  type HeaderColumns,
  type FileEnd,
  type InvoiceDraft,
  type Layout,
  type LayoutDetect,
  type LineDraft,
  type PositionColumns,
  type Row,
  type RowKind,
  type ShipmentDraft,
  type VolumetricDivisor,
} from './layout.js';
export { defineServiceModes, serviceKey, type CarrierServiceModes, type RoadVehicle, type ServiceMode, type ServiceModeEntry } from './modes.js';
