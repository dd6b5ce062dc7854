/**
 * Kysely table types: the analyst-facing schema (documented column by column in docs/schema.md).
 * Booleans are 0/1 integers in SQLite and real booleans in PostgreSQL; timestamps are ISO text in
 * SQLite and timestamptz in PostgreSQL; dates are YYYY-MM-DD text in both (pg's parser is set
 * to return DATE as text).
 */
import type { ColumnType, Generated } from 'kysely';

type NullableBool = ColumnType<boolean | number | null, boolean | number | null, boolean | number | null>;
type Timestamp = ColumnType<string | Date, string, string>;

export interface SourceFilesTable {
  id: Generated<number>;
  carrier: string;
  account_number: string | null;
  original_name: string;
  sha256: string;
  bytes: number;
  kind: string;
  encoding: string | null;
  stored_path: string;
  status: 'loaded' | 'quarantined' | 'superseded';
  message: string | null;
  landed_at: Timestamp;
  run_id: number | null;
  /** What decided the file's fate, as JSON (migration 0004; NULL before). See pipeline/fate.ts. */
  fate_key: string | null;
  /** Times the file was tried (a retried quarantined file keeps its row; migration 0004). */
  attempts: Generated<number>;
}

export interface InvoicesTable {
  id: Generated<number>;
  carrier: string;
  account_number: string;
  invoice_number: string;
  invoice_date: string;
  currency: string;
  stated_total_minor: number | null;
  net_total_minor: number;
  reconciled: NullableBool;
  shipment_count: number;
  charge_count: number;
  source_file_id: number;
  source_row: number;
}

export interface ShipmentsTable {
  id: Generated<number>;
  invoice_id: number;
  tracking_number: string;
  lead_tracking_number: string | null;
  service: string | null;
  ship_date: string | null;
  zone: string | null;
  package_count: number;
  entered_weight: number | null;
  billed_weight: number | null;
  weight_unit: string | null;
  length: number | null;
  width: number | null;
  height: number | null;
  dimension_unit: string | null;
  volumetric_weight: number | null;
  sender_postcode: string | null;
  sender_country: string | null;
  receiver_postcode: string | null;
  receiver_country: string | null;
  net_total_minor: number;
  /** Billed weight and dimensions the package row stated before any audit (migration 0005; NULL before). */
  declared_weight: number | null;
  declared_length: number | null;
  declared_width: number | null;
  declared_height: number | null;
  /** Where billed_weight comes from (migration 0005; NULL before, and when there is no billed weight). */
  weight_source: 'declared' | 'audited' | null;
  /** The receiver's company name as the carrier printed it (migration 0010; NULL when the file states none, and before). */
  receiver_company: string | null;
}

export interface ChargesTable {
  id: Generated<number>;
  invoice_id: number;
  shipment_id: number | null;
  tracking_number: string | null;
  charge_code: string;
  charge_description: string;
  amount_minor: number;
  incentive_minor: number | null;
  currency: string;
  source_file_id: number;
  source_row: number;
  /** The carrier's own code for the charge ('' = none; NULL = loaded before migration 0004). */
  carrier_charge_code: string | null;
  /** The carrier's charge class ('' = none; NULL = loaded before migration 0004). */
  carrier_charge_class: string | null;
  /** NULL for an ordinary charge, else the kind of adjustment (migration 0005; NULL before). */
  adjustment_kind: string | null;
}

export interface DataIssuesTable {
  id: Generated<number>;
  source_file_id: number | null;
  file_name: string;
  source_row: number | null;
  source_column: string | null;
  severity: string;
  code: string;
  message: string;
  run_id: number | null;
}

export interface EtlRunsTable {
  id: Generated<number>;
  command: string;
  started_at: Timestamp;
  finished_at: ColumnType<string | Date | null, string | null | undefined, string | null>;
  status: 'running' | 'succeeded' | 'failed' | 'data_problems';
  files_loaded: Generated<number>;
  files_skipped: Generated<number>;
  files_quarantined: Generated<number>;
  invoices: Generated<number>;
  charges: Generated<number>;
  unreconciled: Generated<number>;
  issues: Generated<number>;
}

export interface EtlMetaTable {
  key: string;
  value: string;
}

export interface PortalDownloadsTable {
  carrier: string;
  account_number: string;
  portal_id: string;
  sha256: string;
  original_name: string;
  source_file_id: number | null;
  downloaded_at: Timestamp;
  run_id: number | null;
}

export interface AccountRunsTable {
  carrier: string;
  account_number: string;
  last_success_at: Timestamp | null;
  last_window_to: string | null;
  last_status: 'succeeded' | 'failed';
  last_error: string | null;
  updated_at: Timestamp;
}

/**
 * Volumetric divisor per carrier and dimension unit (migration 0003-analyst), joined by the
 * `billed_weight_check` view. Seeded with defaults; analysts UPDATE or INSERT rows.
 */
export interface VolumetricDivisorsTable {
  carrier: string;
  dimension_unit: 'cm' | 'in';
  weight_unit: 'kg' | 'lb' | 'oz';
  divisor: number;
}

/** Charge-map overrides managed by `etl charges map` (migration 0004-operators). */
export interface ChargeMapOverridesTable {
  id: Generated<number>;
  carrier: string;
  match: 'label' | 'code';
  pattern: string;
  charge_code: string;
  created_by: string;
  created_at: Timestamp;
  note: string | null;
}

/** What each `etl remap` run changed: lines per carrier and old → new code (migration 0004). */
export interface ChargeRemapsTable {
  run_id: number;
  carrier: string;
  old_code: string;
  new_code: string;
  charge_lines: number;
  invoices: number;
}

/** Versioned emission factors (migration 0009); see docs/emissions.md. */
export interface EmissionFactorsTable {
  vehicle_class: 'van' | 'hgv' | 'air_short_haul' | 'air_long_haul';
  version: string;
  mode: 'road' | 'air';
  valid_from: string;
  kg_co2e_per_tkm: number;
  basis: 'WTW' | 'TTW';
  distance_factor: number;
  distance_add_km: number;
  source: string;
  reference: string;
  verified: string;
  loaded_by: string;
  loaded_at: Timestamp;
}

/** A carrier's billed service → transport mode (migration 0009), seeded from carriers/<id>/modes.ts. */
export interface ServiceModesTable {
  carrier: string;
  /** The service lower-cased with its spaces collapsed: what the views match on. */
  service_key: string;
  service: string;
  mode: 'road' | 'air' | 'none';
  vehicle_class: 'van' | 'hgv' | null;
  /** 1: the service delivers only within its origin country. */
  domestic: number;
  /** The country every shipment of this service leaves from, when the carrier's data says so. */
  origin_country: string | null;
  why: string;
}

/** Coordinates per country ('' postcode) or postcode (migration 0009). */
export interface GeoCentroidsTable {
  level: 'country' | 'postcode';
  country: string;
  postcode: string;
  latitude: number;
  longitude: number;
  source: string;
}

/** A country's surface area in km² (migration 0011), for the `country_area` distance method. */
export interface CountryAreasTable {
  country: string;
  area_km2: number;
  source: string;
}

/** Reference rates per 1 EUR (migration 0009), loaded by `etl fx import`. */
export interface FxRatesTable {
  currency: string;
  rate_date: string;
  /** The rate as published, e.g. '1.1155'. */
  rate: string;
  /** The rate in millionths (rate × 10^6, exact). */
  rate_micro: number;
  source: string;
  loaded_at: Timestamp;
}

/** One audit finding (migration 0008-audit); recomputed per carrier and account, see src/audit/. */
export interface AuditFindingsTable {
  id: Generated<number>;
  /** `rule` + the evidence's charge ids: unique, so a finding is never stored twice. */
  finding_key: string;
  rule: string;
  severity: 'high' | 'medium' | 'info';
  /** 1/true when the rule is a heuristic (it may be wrong), 0/false when it follows from the data. */
  heuristic: ColumnType<boolean | number, boolean | number, boolean | number>;
  carrier: string;
  account_number: string;
  invoice_id: number;
  invoice_number: string;
  invoice_date: string;
  tracking_number: string | null;
  currency: string;
  /** Money at stake, in minor units of `currency` (0 for findings that are signals only). */
  amount_minor: number;
  explanation: string;
  /** The evidence's charge ids, comma-separated, ascending. */
  charge_ids: string;
  /** JSON: `[{ "charge_id", "file", "row" }]`, one per charge line the finding rests on. */
  evidence: string;
  created_at: Timestamp;
}

/** Published surcharge rates (fuel) the drift rule compares against; loaded from a CSV (migration 0008). */
export interface FuelRatesTable {
  carrier: string;
  charge_code: string;
  valid_from: string;
  valid_to: string | null;
  /** The rate as a decimal text, percent: "18.25" = 18.25 %. */
  rate_percent: string;
  base: 'freight' | 'freight_and_surcharges';
  source: string;
}

export interface Database {
  source_files: SourceFilesTable;
  invoices: InvoicesTable;
  shipments: ShipmentsTable;
  charges: ChargesTable;
  data_issues: DataIssuesTable;
  etl_runs: EtlRunsTable;
  etl_meta: EtlMetaTable;
  portal_downloads: PortalDownloadsTable;
  account_runs: AccountRunsTable;
  volumetric_divisors: VolumetricDivisorsTable;
  charge_map_overrides: ChargeMapOverridesTable;
  charge_remaps: ChargeRemapsTable;
  emission_factors: EmissionFactorsTable;
  service_modes: ServiceModesTable;
  geo_centroids: GeoCentroidsTable;
  country_areas: CountryAreasTable;
  fx_rates: FxRatesTable;
  audit_findings: AuditFindingsTable;
  fuel_rates: FuelRatesTable;
}
