/**
 * The carrier kit: everything a carrier folder may import. Carriers depend on this and on nothing
 * else in src/, so the engine can change behind it.
 */
export type {
  CarrierAdapter,
  CarrierLocale,
  ChargeMap,
  ColumnLabels,
  FileSample,
  ParseBatch,
  ParseInput,
  RawCharge,
  RawInvoice,
  RawLine,
  RawShipment,
} from './contract.js';
export { readCsv, sniffInputDelimiter, splitCsvLine, type CsvBatch } from './csv-input.js';
export type { CsvRecord, CsvEnd } from '../parsing/csv.js';
export { issue, type Issue, type IssueCode, type Severity } from '../model/issue.js';
export type { ChargeCode } from '../model/charge-codes.js';
export { parseDate, type DateFormat } from '../parsing/dates.js';
export type { ControlTotal } from './contract.js';
export { readWorkbook, type CellRange, type SheetGrid } from './workbook-input.js';
export type { DownloadContext, PortalCredentials, PortalDocument } from './portal.js';
export { PortalError } from '../errors.js';
export { acceptCookies, checkResponse, listInvoices, signIn, standardDownload, type PortalMarkup } from './portal-flow.js';
export { indexHeader, missingFields, type HeaderIndex } from './header.js';
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
