/**
 * The adapter contract between the carrier kit and the engine. Parsing is pure (bytes in, raw
 * lines out, in the carrier's own words); amounts, dates and charge names are interpreted once, by
 * the engine's `clean` stage, from the adapter's declarative `locale` and `charges`.
 *
 * Carriers do not implement it by hand: `defineCarrier` (define.ts) builds the adapter from
 * declared layouts. Of this file, carriers see only what index.ts exports (CarrierAdapter,
 * CarrierLocale, ChargeMap, ColumnLabels); FileSample, ParseInput, the raw lines, ParseBatch and
 * ControlTotal pass between the kit and the engine only (eslint.config.js keeps carriers to
 * index.ts).
 */
import type { ChargeCode } from '../model/charge-codes.js';
import type { Issue } from '../model/issue.js';
import type { NumberFormat } from '../parsing/amounts.js';
import type { DateFormat } from '../parsing/dates.js';
import type { TextEncoding } from '../parsing/text.js';
import type { SheetGrid } from '../parsing/xlsx.js';
import type { DownloadContext } from './portal.js';
import type { VolumetricDivisor } from './layout.js';

/** How a carrier writes values; used by `clean`, never re-implemented per carrier. */
export interface CarrierLocale {
  /** Number format of amounts and measurements. */
  readonly number: NumberFormat;
  /** Date formats tried in order. */
  readonly dateFormats: readonly DateFormat[];
  /** Currency when the file names none. */
  readonly defaultCurrency: string;
}

/**
 * Local-language charge label or carrier code → canonical code. Matching order: label prefix
 * (case-insensitive, longest first), then the carrier's description code, then its charge class.
 * Anything else is `unmapped` (loaded, with a warning).
 */
export interface ChargeMap {
  /** `[label prefix, code]` pairs; `Treibstoffzuschl.` matches `Treibstoffzuschlag` too. */
  readonly labels: ReadonlyArray<readonly [string, ChargeCode]>;
  /**
   * The carrier's own charge codes (UPS col 45, DHL XC codes). A key `CLASS code` (`GOV 205`)
   * applies only to lines of that class, and is tried before the bare code.
   */
  readonly codes?: Readonly<Record<string, ChargeCode>>;
  /**
   * Broad charge classes whose meaning is unambiguous (UPS col 44: FRT, FSC, TAX...). A class
   * alone never makes an invoice-level line (no shipment) `freight`: such a line is a fee.
   */
  readonly classes?: Readonly<Record<string, ChargeCode>>;
  /**
   * `[prefix, code]`: descriptions that adjust or re-bill another charge (`Shipping Charge
   * Correction Fuel Surcharge`). Such a line gets the code of the charge named after the prefix
   * (label, then the carrier's code, then the class); `code`, when given, replaces `freight`
   * there and is used when nothing is named (an address correction billed on the service row is
   * the correction itself). Longest prefix first; operator overrides still come before.
   */
  readonly adjustments?: ReadonlyArray<readonly [string, ChargeCode | null]>;
}

/** What detection gets to look at. */
export interface FileSample {
  readonly name: string;
  /** `text` for CSV-like files; `workbook` for spreadsheets (after conversion to xlsx). */
  readonly kind: 'text' | 'workbook';
  /**
   * Text: the first ~64 KiB, decoded. Workbook: the first 60 rows of the first sheet, cells
   * joined by a tab, rows by a newline.
   */
  readonly head: string;
}

/** A file ready to parse: decoded text, streamed; or a workbook. */
export interface ParseInput {
  /** File name used in every message (the original name, not the landing path). */
  readonly file: string;
  /** `workbook`: an xlsx file (converted from xls/ods when needed): read it with readWorkbook. */
  readonly kind: 'text' | 'workbook';
  /** Path of the file to read (the landed copy, or its xlsx conversion). */
  readonly path: string;
  /** Text encoding ('utf8' for workbooks). */
  readonly encoding: TextEncoding;
  readonly bytes: number;
  /** The first ~64 KiB, decoded (for sniffing the delimiter). */
  readonly head: string;
  /** The whole text in order, in chunks; can be iterated once. */
  chunks(): AsyncIterable<string>;
  /** Workbook: its sheets, already read by the engine within the workbook limits (readWorkbook returns them). */
  readonly sheets?: readonly SheetGrid[];
}

/** Invoice fields as written in the file ('' when absent). */
export interface RawInvoice {
  readonly number: string;
  readonly date: string;
  readonly accountNumber: string;
  readonly currency: string;
  /** The total the file states for the invoice ('' when it states none). */
  readonly statedTotal: string;
  /**
   * Physical row the invoice fields were read from, when not the line's own row (Royal Mail's
   * summary row above its dockets): problems with them point there.
   */
  readonly row?: number;
}

/** Shipment fields as written in the file ('' when absent). */
export interface RawShipment {
  readonly trackingNumber: string;
  readonly leadTrackingNumber: string;
  /** This row describes the package itself (weights, dimensions, zone), not just a charge on it. */
  readonly packageRow: boolean;
  /**
   * This package row restates the weight and dimensions the carrier measured (an audit: UPS
   * "Shipping Charge Correction"): they replace the declared ones, which are kept as declared_*.
   */
  readonly audited?: boolean;
  readonly packageCount: string;
  readonly service: string;
  /** Which row's service wins: higher rank first (UPS: freight row 2, informational row 1). */
  readonly serviceRank: number;
  readonly shipDate: string;
  readonly zone: string;
  readonly enteredWeight: string;
  readonly billedWeight: string;
  /** Canonical unit (`kg`, `lb`, `oz`) or '' — carriers map their unit codes in columns.ts. */
  readonly weightUnit: string;
  /** Dimension text `LxWxH` (split by the engine) ... */
  readonly dimensions: string;
  /** ... and its canonical unit (`cm`, `in`) or ''. */
  readonly dimensionUnit: string;
  readonly volumetricWeight: string;
  readonly senderPostcode: string;
  readonly senderCountry: string;
  readonly receiverPostcode: string;
  readonly receiverCountry: string;
  /**
   * The receiver's company name as printed (UPS col 76 Receiver Company Name); absent or '' when
   * the file has no such column. A person's name is not a company name: leave it out.
   */
  readonly receiverCompany?: string;
}

/** One billed amount as written in the file. */
export interface RawCharge {
  /** Charge name exactly as billed. */
  readonly description: string;
  /** The carrier's own code for the charge ('' when none). */
  readonly code: string;
  /** The carrier's charge class ('' when none). */
  readonly classification: string;
  /** Net billed amount. */
  readonly amount: string;
  /** Discount against the published rate ('' when none). */
  readonly incentive: string;
  /** '' = the invoice currency. */
  readonly currency: string;
  /** Column the amount was read from, for messages (`53 Net Amount`, `XC3 Charge`). */
  readonly column: string;
  /** Column the description was read from, when it is not `columns.description` (`XC3 Name`). */
  readonly descriptionColumn?: string;
  /** The kind of adjustment this line is (`shipping_charge_correction`...); absent for an ordinary charge. */
  readonly adjustmentKind?: string;
}

/** Column names, for messages about invoice and shipment fields. */
export interface ColumnLabels {
  readonly invoiceNumber: string;
  readonly invoiceDate: string;
  readonly accountNumber: string;
  readonly currency: string;
  readonly statedTotal: string;
  readonly trackingNumber: string;
  readonly shipDate: string;
  readonly packageCount: string;
  readonly enteredWeight: string;
  readonly billedWeight: string;
  readonly dimensions: string;
  readonly volumetricWeight: string;
  readonly incentive: string;
  readonly description: string;
}

/** One source row in the carrier's words. A row can hold several charges (DHL's XC slots). */
export interface RawLine {
  /** 1-based line (CSV) or row (sheet) number. */
  readonly row: number;
  readonly sheet?: string;
  readonly invoice: RawInvoice;
  /** null for invoice-level charges. */
  readonly shipment: RawShipment | null;
  readonly charges: readonly RawCharge[];
  readonly columns: ColumnLabels;
  /**
   * The total the row states for its own charges, as written (a DHL S row's amount excl. VAT):
   * `clean` checks the row's charges add up to it; absent when the row states none.
   */
  readonly total?: { readonly amount: string; readonly column: string; readonly label: string };
}

/** A total the file states for all its lines together (SAP BEx's `Overall Result` row). */
export interface ControlTotal {
  /** As written, in the file's number format. */
  readonly amount: string;
  /** '' = the currency of the file's invoices. */
  readonly currency: string;
  readonly row: number;
  readonly column: string;
  /** What the row is called in the file, for messages. */
  readonly label: string;
}

/** What parse streams: raw lines, and the problems found reading them. */
export interface ParseBatch {
  readonly lines: readonly RawLine[];
  readonly issues: readonly Issue[];
  /**
   * Overrides parts of the adapter's locale for the rest of this file, for carriers with
   * several layouts (GLS legacy amounts in cents, GLS header files in decimal comma). Only on
   * the first batch, before any line.
   */
  readonly locale?: Partial<CarrierLocale>;
  /** A file-level control total: the engine checks the sum of all charges against it. */
  readonly controlTotal?: ControlTotal;
}

/** One carrier. Pure parse; I/O only in download. */
export interface CarrierAdapter {
  /** Stable id used in paths, env names and the database: 'ups', 'royal-mail'. */
  readonly id: string;
  /** Human name for messages. */
  readonly name: string;
  /**
   * File formats this carrier's files come as (lower case extensions, no dot), used to pick files
   * from directories and enforced by the engine (pipeline/ingest.ts acceptsFile): a spreadsheet of
   * another format is refused, and a carrier that lists no text format gets no text file.
   * `xls`/`ods` files are converted to xlsx by the engine before parse.
   */
  readonly accepts: readonly string[];
  /** Encoding of files that are not valid UTF-8 (default cp1252; DSV's Danish files: iso-8859-10). */
  readonly legacyEncoding?: TextEncoding;
  /** Default volumetric divisors, seeded by `etl migrate` when the carrier has none yet. */
  readonly volumetricDivisors?: readonly VolumetricDivisor[];
  readonly locale: CarrierLocale;
  readonly charges: ChargeMap;
  /**
   * How sure we are that `sample` is this carrier's file, 0 (no) to 1 (certain). Never throws.
   */
  detect(sample: FileSample): number;
  /**
   * Logs in to the carrier's portal and downloads the invoice files of `ctx.window` with
   * ctx.captureDownload / ctx.fetchAll. Throws PortalError (transient or not) when the portal
   * fails. Absent for carriers whose files arrive by other means.
   */
  download?(ctx: DownloadContext): Promise<void>;
  /**
   * Streams the file's rows as raw lines plus issues. Never throws for bad data: a file it cannot
   * read at all yields an error issue (wrong_format, column_count...) and the engine quarantines it.
   */
  parse(input: ParseInput): AsyncIterable<ParseBatch>;
}
