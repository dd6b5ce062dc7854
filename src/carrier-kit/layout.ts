/**
 * Carrier kit v2: a carrier is a declarative list of layouts. A layout says how to recognise its
 * files (header names, or a row signature), how they are written (delimiters, number and date
 * formats, empty markers), where each field is (header aliases by normalised name, or
 * positions), which rows are not charges, and a small `toLines(row)` for what cannot be said as
 * data. The kit owns everything else: the read loop, integrity issues (truncated, column count,
 * unterminated quote), header matching, control totals and the engine-facing raw lines.
 */
import type { ChargeMap, CarrierLocale, ColumnLabels } from './contract.js';
import type { TextEncoding } from '../parsing/text.js';
import type { DownloadContext } from './portal.js';
import type { Issue, IssueCode, Severity } from '../model/issue.js';

/** How messages and the database name a row's fields; the kit builds it from the layout. */
export type LabelKey = keyof ColumnLabels;

/** What a row is, when not an ordinary data row. */
export type RowKind =
  /** A data row: `toLines` turns it into raw lines. */
  | 'data'
  /** Commentary, subtotal, repeated header: not data, no message. */
  | 'skip'
  /** The file's control total (layout `total`): the engine checks the sum of all charges. */
  | 'total';

/** Column aliases, matched by normalised name in any order; extra columns are ignored. */
export interface HeaderColumns<F extends string> {
  readonly columns: Readonly<Record<F, readonly string[]>>;
  /** Fields without which a row cannot be loaded; a header missing one names it and its aliases. */
  readonly required: readonly F[];
  /** Rows allowed above the header (report titles, group-label rows). Default 0. */
  readonly maxRowsAbove?: number;
  /** Makes spellings comparable. Default: NFC, lower case, letters and digits only. */
  readonly normalize?: (name: string) => string;
  /** `name` (default): messages say `Leistung`; `position`: `29 Service` (1-based). */
  readonly labels?: 'name' | 'position';
  /**
   * How a header that is recognised but lacks required fields is reported: `header` (default),
   * one `wrong_format` for the header naming every missing field and the names tried; `each`,
   * one per missing field whose location names the column (its first alias), as the DHL
   * bad-input fixtures expect.
   */
  readonly missing?: 'header' | 'each';
}

/** Header-less formats: 1-based positions and the names messages use (`53 Net Amount`). */
export interface PositionColumns<F extends string> {
  readonly columns: Readonly<Record<F, readonly [number, string]>>;
  /** Fields per row accepted (UPS trims trailing placeholder columns). */
  readonly width: { readonly min: number; readonly max: number };
  /**
   * Reads only the declared positions (the rest are scanned, never copied): for very wide
   * rows (UPS: 29 of 250 fields).
   */
  readonly pick?: boolean;
}

/** A shipment as the row describes it; everything but the tracking number is optional. */
export interface ShipmentDraft {
  readonly trackingNumber: string;
  readonly leadTrackingNumber?: string;
  /** This row describes the package itself (weights, dimensions); default true. */
  readonly packageRow?: boolean;
  /** The package row restates audited weight and dimensions (a carrier's re-billing); default false. */
  readonly audited?: boolean;
  readonly packageCount?: string;
  readonly service?: string;
  /** When several rows name a service, the higher rank wins (default 1 with a service). */
  readonly serviceRank?: number;
  readonly shipDate?: string;
  readonly zone?: string;
  readonly enteredWeight?: string;
  readonly billedWeight?: string;
  /** `kg`, `lb`, `oz` (map carrier codes in the layout). */
  readonly weightUnit?: string;
  /** `LxWxH` text, split by the engine. */
  readonly dimensions?: string;
  readonly dimensionUnit?: string;
  readonly volumetricWeight?: string;
  readonly senderPostcode?: string;
  readonly senderCountry?: string;
  readonly receiverPostcode?: string;
  readonly receiverCountry?: string;
  /** The receiver's company name as printed (RawShipment.receiverCompany); not a person's name. */
  readonly receiverCompany?: string;
}

export interface InvoiceDraft {
  readonly number: string;
  readonly date: string;
  readonly accountNumber?: string;
  /** Default: the layout's `currency`, else ''. */
  readonly currency?: string;
  readonly statedTotal?: string;
  /** Physical row the invoice fields were read from, when not this row (a summary row above). */
  readonly row?: number;
}

export interface ChargeDraft {
  readonly description: string;
  readonly amount: string;
  /** Field the amount was read from (its label names the column in messages) ... */
  readonly field?: string;
  /** ... or the label itself, for columns that are not fields (`10 Maut`). */
  readonly column?: string;
  readonly code?: string;
  readonly classification?: string;
  readonly incentive?: string;
  readonly currency?: string;
  /** Label of the description's column, when it is not the layout's `description` label. */
  readonly descriptionColumn?: string;
  /** The kind of adjustment the line is (docs/schema.md, `charges.adjustment_kind`); absent for an ordinary charge. */
  readonly adjustmentKind?: string;
}

export interface LineDraft {
  /** Physical row of the line, when it is emitted after its row was read (from `end`). */
  readonly row?: number;
  readonly invoice: InvoiceDraft;
  readonly shipment?: ShipmentDraft | null;
  readonly charges: readonly ChargeDraft[];
  /**
   * How this line's messages name columns, over the layout's `labels`: the label of the field a
   * value really came from on this row (`row.label(f)`: a fallback column), or a name for values
   * spread over several columns (`XCn Discount`). Reuse one object for many lines: the kit
   * merges each object once per file.
   */
  readonly labels?: Partial<Record<LabelKey, string>>;
  /**
   * The total this row states for its own charges (a DHL S row's amount excl. VAT): the engine
   * checks the line's charges add up to it exactly; a mismatch is a `total_mismatch` error on
   * this row (the file still loads). `label` names the figure in the message.
   */
  readonly total?: { readonly amount: string; readonly column: string; readonly label: string };
}

/** One source row, as a layout sees it. */
export interface Row<F extends string> {
  /** 1-based physical line of the file (where a multi-line record starts), or sheet row. */
  readonly row: number;
  readonly sheet?: string;
  /** Fields the row really has. */
  readonly width: number;
  /** The field's text, trimmed; '' when absent or an empty marker (`#`, `NONE`). */
  get(field: F): string;
  /** The raw text of the 0-based column `index` (a label in the first column); not for `pick` layouts. */
  cell(index: number): string;
  /** The field's column exists in this file (header layouts: optional columns). */
  has(field: F): boolean;
  /** How messages name the field's column. */
  label(field: F): string;
  /** Reports a problem at this row (and the field's column), or at `row`, a row read earlier. */
  issue(severity: Severity, code: IssueCode, field: F | null, detail: string, row?: number): void;
}

/** How to recognise a layout's files. */
export interface LayoutDetect<F extends string, S = unknown> {
  /** Score when recognised (0..1). Header layouts: a header naming every required field. */
  readonly confidence: number;
  /**
   * Positional layouts: how well one data row fits (0..1, 1 = certain). Detection multiplies
   * `confidence` by the score of the first data row (`rows: 'first'`) or the lowest of the
   * sampled rows (`'all'`).
   *
   * Header layouts: how well a candidate header row fits, graded by the fields it names
   * (`row.has(field)`). Detection then scores `confidence` × the best row's grade even when a
   * required field is missing (the file is then this layout's, and parsing names what is
   * missing); a grade of 0 means "not this layout's header". Without it a header scores
   * `confidence` when it names every required field, and a doubtful 0.3 when it names three
   * fields or more.
   */
  readonly signature?: (row: Row<F>, state: S) => number;
  readonly rows?: 'first' | 'all';
  /** Parsing (with --carrier) accepts a first row scoring at least this (default 1). */
  readonly accept?: number;
  /**
   * Files users mistake for this layout's, told by their first cell (compared trimmed, any
   * case): the "not a … file" message says what the file is instead (`HDR` → a DHL eCommerce file).
   */
  readonly lookalikes?: ReadonlyArray<{ readonly firstCell: readonly string[]; readonly is: string }>;
}

export interface Layout<F extends string = string, S = unknown> {
  /** Stable name in fixtures and messages: `billing-data`, `legacy detail CSV`. */
  readonly id: string;
  /** What messages call one of its rows' files: `UPS Billing Data`. */
  readonly name: string;
  /** Text (CSV) or workbook (xlsx; xls/ods are converted first). Default text. */
  readonly kind?: 'text' | 'workbook';
  /** Text: the delimiters this layout is written with, sniffed in this order of preference. */
  readonly delimiters?: readonly string[];
  /** Number and date formats of this layout, over the carrier's. */
  readonly locale?: Partial<CarrierLocale>;
  /** Files of this layout name no currency: all in this one. */
  readonly currency?: string;
  /** Cell texts that mean "empty" (SAP `#`, `NONE`). */
  readonly empty?: readonly string[];
  readonly header?: HeaderColumns<F>;
  readonly positions?: PositionColumns<F>;
  readonly detect: LayoutDetect<F, S>;
  /**
   * Which of the engine's message labels each field provides (`{ statedTotal: 'invoiceAmount' }`);
   * fields named like a label provide it without being listed.
   */
  readonly labels?: Partial<Record<LabelKey, F>>;
  /** Commentary, subtotal and total rows: by a function of the row. Default: every row is data. */
  readonly rowKind?: (row: Row<F>, state: S) => RowKind;
  /** The control total of `total` rows: which field holds it, and what the row is called. */
  readonly total?: { readonly field: F; readonly label: string };
  /** Per-file state for rows that depend on rows above (a summary row's invoice fields). */
  readonly state?: () => S;
  /** The row in the carrier's words → raw lines (none for a row that bills nothing). */
  toLines(row: Row<F>, state: S): LineDraft | readonly LineDraft[] | null;
  /**
   * After the file's (workbook: the sheet's) last row: lines held back until the whole file was
   * read (a total printed below its lines), and problems only the whole file shows (no total row).
   */
  end?(state: S, file: FileEnd): LineDraft | readonly LineDraft[] | null;
}

/** What `end` may report: a problem of the whole file, naming a column when it can. */
export interface FileEnd {
  /** `row`: a row read earlier (held-back lines), when the problem is about one. */
  issue(severity: Severity, code: IssueCode, column: string | null, detail: string, row?: number): void;
}

/** What a carrier folder declares; `defineCarrier` turns it into the engine's adapter. */
export interface CarrierDefinition {
  /** Stable id used in paths, env names and the database: `ups`, `royal-mail`. */
  readonly id: string;
  readonly name: string;
  readonly charges: ChargeMap;
  /** Number and date formats, default currency; layouts may override. */
  readonly locale: CarrierLocale;
  /** Encoding of files that are not valid UTF-8 (default cp1252). */
  readonly legacyEncoding?: TextEncoding;
  /**
   * Volumetric divisors (L × W × H / divisor), seeded into `volumetric_divisors` by `etl migrate`
   * for carriers that have none yet: analysts' edits are never overwritten.
   */
  readonly volumetricDivisors: readonly VolumetricDivisor[];
  /** Most specific first: on a tie the earlier layout wins. */
  readonly layouts: readonly Layout<string, never>[];
  download?(ctx: DownloadContext): Promise<void>;
}

export interface VolumetricDivisor {
  readonly dimensionUnit: 'cm' | 'in';
  readonly weightUnit: 'kg' | 'lb';
  readonly divisor: number;
}

/** Typing help: infers a layout's field names and state from its columns. */
export function defineLayout<F extends string, S = undefined>(layout: Layout<F, S>): Layout<string, never> {
  return layout as unknown as Layout<string, never>;
}

export type { Issue };
