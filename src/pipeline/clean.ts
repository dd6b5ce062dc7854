/**
 * clean: raw lines in the carrier's words → exact values. Amounts become integer minor units,
 * dates ISO, charge names canonical codes, units canonical. Pure: no db, no fs. Problems become
 * issues pushed to `sink`; a row whose invoice fields are unusable is dropped (with an error).
 */
import type { CarrierAdapter, CarrierLocale, ChargeMap, ColumnLabels, ControlTotal, RawInvoice, RawLine, RawShipment } from '../carrier-kit/contract.js';
import type { ChargeCode } from '../model/charge-codes.js';
import { issue, type IssueLocation, type IssueSink } from '../model/issue.js';
import { formatMinor, minorDigits } from '../model/money.js';
import { parseDecimal, parseMinor, type NumberFormat } from '../parsing/amounts.js';
import { createDateParser } from '../parsing/dates.js';
import { detach, hasUnsafeText, printable, scrubText } from '../parsing/text.js';
import { invoiceKey, type CleanCharge, type CleanControlTotal, type CleanInvoice, type CleanLine, type RowShipment } from '../model/lines.js';
import { parseDimensions } from '../parsing/dimensions.js';
import { chargesMapCommand, type ChargeOverride } from './overrides.js';

export type { CleanCharge, CleanInvoice, CleanLine, RowShipment } from '../model/lines.js';

export type Cleaner = (line: RawLine) => CleanLine | null;

const WEIGHT_UNITS = new Set(['kg', 'lb', 'oz']);
const DIMENSION_UNITS = new Set(['cm', 'in']);

function orNull(s: string): string | null {
  return s === '' ? null : s;
}

/**
 * Resolves charge names to canonical codes, memoized (a file repeats a few dozen descriptions on
 * every row). Operator overrides (pipeline/overrides.ts) come first: label prefix (longest first),
 * then the carrier's code; then the built-in map's precedence: label prefix, carrier code,
 * charge class. The one classification ingest and `etl remap` share.
 */
export function createChargeClassifier(
  map: ChargeMap,
  overrides: readonly ChargeOverride[] = [],
): (description: string, code: string, cls: string, invoiceLevel?: boolean) => ChargeCode | null {
  const byLength = (pairs: ReadonlyArray<readonly [string, ChargeCode]>) =>
    pairs.map(([l, c]) => [l.trim().toLowerCase(), c] as const).filter(([l]) => l !== '').sort((a, b) => b[0].length - a[0].length);
  const overrideLabels = byLength(overrides.filter((o) => o.match === 'label').map((o) => [o.pattern, o.chargeCode] as const));
  const overrideCodes = new Map<string, ChargeCode>();
  // first one wins: mergeOverrides puts database rows before config ones
  for (const o of overrides) if (o.match === 'code' && !overrideCodes.has(o.pattern)) overrideCodes.set(o.pattern, o.chargeCode);
  const labels = byLength(map.labels);
  const adjustments = (map.adjustments ?? []).map(([l, c]) => [l.trim().toLowerCase(), c] as const).filter(([l]) => l !== '').sort((a, b) => b[0].length - a[0].length);
  // description → `code \0 class \0 level` → code: a nested look-up hashes the row's own
  // description text instead of building (and hashing) one joined key per charge
  const memo = new Map<string, Map<string, ChargeCode | null>>();
  let memoSize = 0;
  const prefix = (pairs: ReadonlyArray<readonly [string, ChargeCode]>, d: string): ChargeCode | null => {
    if (d === '') return null;
    for (const [l, c] of pairs) if (d.startsWith(l)) return c;
    return null;
  };
  // the built-in map for one description: label, code (`CLASS code` first), then class; a class
  // alone never makes an invoice-level line freight (a fee billed on no shipment)
  const builtIn = (d: string, code: string, cls: string, invoiceLevel: boolean): ChargeCode | null => {
    const byClass = cls !== '' ? map.classes?.[cls] : undefined;
    return (
      prefix(labels, d) ??
      (code !== '' ? (map.codes?.[`${cls} ${code}`] ?? map.codes?.[code]) : undefined) ??
      (byClass === 'freight' && invoiceLevel ? undefined : byClass) ??
      null
    );
  };
  return (description, code, cls, invoiceLevel = false) => {
    const rest = `${code}\u0000${cls}\u0000${invoiceLevel ? 1 : 0}`;
    const byRest = memo.get(description);
    const hit = byRest?.get(rest);
    if (hit !== undefined) return hit;
    const d = description.trim().toLowerCase();
    const adjustment = adjustments.find(([p]) => d.startsWith(p));
    let fromMap: ChargeCode | null;
    if (adjustment === undefined) {
      fromMap = builtIn(d, code, cls, invoiceLevel);
    } else {
      // an adjustment keeps the code of the charge it names after its prefix
      const [p, own] = adjustment;
      const named = builtIn(d.slice(p.length).trim(), code, cls, invoiceLevel);
      fromMap = own !== null && (named === null || named === 'freight') ? own : named;
    }
    const result =
      prefix(overrideLabels, d) ??
      (code !== '' ? overrideCodes.get(code) : undefined) ??
      fromMap;
    if (memoSize < 10_000) {
      let m = byRest;
      if (m === undefined) memo.set(detach(description), (m = new Map()));
      m.set(rest, result);
      memoSize++;
    }
    return result;
  };
}

/** Builds the cleaner for one file of `adapter`'s; `overrides` are the operator's, for this carrier. */
export function createCleaner(adapter: CarrierAdapter, file: string, sink: IssueSink, defaultAccount = '', overrides: readonly ChargeOverride[] = []): Cleaner {
  const locale = adapter.locale;
  const fmt: NumberFormat = locale.number;
  const date = createDateParser(locale.dateFormats);
  const classify = createChargeClassifier(adapter.charges, overrides);

  function amount(text: string, currency: string, row: number, column: string, what: string): number | null {
    const r = parseMinor(text, fmt, minorDigits(currency));
    if (r.ok) return r.minor;
    sink.push(issue('error', 'bad_amount', at(row, column), `${what}: ${r.reason === 'empty' ? 'is empty' : r.reason}`));
    return null;
  }

  /**
   * A text field as stored: control characters removed (a warning naming row and column), so
   * both databases hold the same text and PostgreSQL never refuses a NUL (docs/schema.md).
   */
  function text(value: string, row: number, column: string): string {
    if (!hasUnsafeText(value)) return value;
    const { text: kept, found } = scrubText(value);
    sink.push(issue('warning', 'control_character', at(row, column), `"${printable(value)}" holds control character(s) ${found.join(', ')}; stored without them as "${kept}"`));
    return kept;
  }

  function measure(text: string, row: number, column: string): number | null {
    if (text === '') return null;
    const v = parseDecimal(text, fmt);
    if (v === null) sink.push(issue('warning', 'bad_number', at(row, column), `"${text}" is not a number; stored as empty`));
    return v;
  }

  function shipmentOf(s: RawShipment, line: RawLine): RowShipment {
    const row = line.row;
    const cols = line.columns;
    let shipDate: string | null = null;
    if (s.shipDate !== '') {
      shipDate = date(s.shipDate);
      if (shipDate === null) sink.push(issue('warning', 'bad_date', at(row, cols.shipDate), `"${s.shipDate}" is not a date in ${locale.dateFormats.join(' or ')}; stored as empty`));
    }
    let length: number | null = null;
    let width: number | null = null;
    let height: number | null = null;
    if (s.dimensions !== '') {
      const d = parseDimensions(s.dimensions, fmt);
      if (d === null) {
        sink.push(issue('warning', 'bad_dimensions', at(row, cols.dimensions), `"${s.dimensions}" is not L x W x H; stored as empty`));
      } else {
        ({ length, width, height } = d);
      }
    }
    let packageCount = 0;
    if (s.packageCount !== '') {
      const n = parseDecimal(s.packageCount, fmt);
      if (n === null || !Number.isInteger(n) || n < 0) {
        sink.push(issue('warning', 'bad_number', at(row, cols.packageCount), `"${s.packageCount}" is not a package count; counted as 0`));
      } else {
        packageCount = n;
      }
    }
    const wu = s.weightUnit.toLowerCase();
    const du = s.dimensionUnit.toLowerCase();
    return {
      trackingNumber: text(s.trackingNumber, row, cols.trackingNumber),
      leadTrackingNumber: orNull(text(s.leadTrackingNumber, row, 'lead tracking number')),
      packageRow: s.packageRow,
      audited: s.audited === true,
      packageCount,
      service: orNull(text(s.service, row, 'service')),
      serviceRank: s.serviceRank,
      shipDate,
      zone: orNull(text(s.zone, row, 'zone')),
      enteredWeight: measure(s.enteredWeight, row, cols.enteredWeight),
      billedWeight: measure(s.billedWeight, row, cols.billedWeight),
      weightUnit: WEIGHT_UNITS.has(wu) ? (wu as 'kg' | 'lb' | 'oz') : null,
      length,
      width,
      height,
      dimensionUnit: length !== null && DIMENSION_UNITS.has(du) ? (du as 'cm' | 'in') : null,
      volumetricWeight: measure(s.volumetricWeight, row, cols.volumetricWeight),
      senderPostcode: orNull(text(s.senderPostcode, row, 'sender postcode')),
      senderCountry: orNull(text(s.senderCountry, row, 'sender country').toUpperCase()),
      receiverPostcode: orNull(text(s.receiverPostcode, row, 'receiver postcode')),
      receiverCountry: orNull(text(s.receiverCountry, row, 'receiver country').toUpperCase()),
      receiverCompany: s.receiverCompany === undefined ? null : orNull(text(s.receiverCompany, row, 'receiver company').trim()),
    };
  }

  /** Sheet of the line being cleaned (workbooks), for issue locations. */
  let sheet: string | undefined;
  // '' = the layout has no such column (a message about a field it never fills)
  const at = (row: number, column: string): IssueLocation => {
    const base = sheet === undefined ? { file, row } : { file, sheet, row };
    return column === '' ? base : { ...base, column };
  };

  // Every row repeats its invoice's fields: parse them once per run of equal rows.
  let lastRaw: RawInvoice | null = null;
  let lastHeader: CleanInvoice | null = null;

  function header(inv: RawInvoice, row: number, cols: ColumnLabels): CleanInvoice | null {
    if (
      // an unusable header is remembered too: its problems are reported once, where they are
      lastRaw !== null &&
      (lastRaw === inv ||
        (lastRaw.number === inv.number && lastRaw.date === inv.date && lastRaw.accountNumber === inv.accountNumber &&
          lastRaw.currency === inv.currency && lastRaw.statedTotal === inv.statedTotal))
    ) {
      return lastHeader;
    }
    const before = sink.errors;
    const currency = (inv.currency || locale.defaultCurrency).toUpperCase();
    if (inv.currency === '') {
      sink.push(issue('warning', 'missing_value', at(row, cols.currency), `no currency stated; assumed ${currency}, ${adapter.name}'s default`));
    }
    if (inv.number === '') sink.push(issue('error', 'missing_value', at(row, cols.invoiceNumber), 'invoice number is empty'));
    const invoiceDate = date(inv.date);
    if (invoiceDate === null) {
      sink.push(issue('error', 'bad_date', at(row, cols.invoiceDate), `"${inv.date}" is not a date in ${locale.dateFormats.join(' or ')}`));
    }
    const statedTotalMinor = inv.statedTotal === '' ? null : amount(inv.statedTotal, currency, row, cols.statedTotal, 'invoice total');
    if (sink.errors > before || invoiceDate === null) {
      lastRaw = inv;
      lastHeader = null;
      return null;
    }
    const h = {
      invoiceNumber: text(inv.number, row, cols.invoiceNumber),
      accountNumber: text(inv.accountNumber, row, cols.accountNumber) || defaultAccount,
      invoiceDate,
      currency: text(currency, row, cols.currency),
      statedTotalMinor,
    };
    lastRaw = inv;
    lastHeader = { ...h, key: invoiceKey(h) };
    return lastHeader;
  }

  /** A row's own stated total against its charges (exact); a mismatch is reported, not fixed. */
  function checkRowTotal(line: RawLine, total: NonNullable<RawLine['total']>, charges: readonly CleanCharge[], currency: string, tracking: string | null): void {
    const stated = amount(total.amount, currency, line.row, total.column, total.label);
    if (stated === null) return;
    const sum = charges.reduce((a, c) => a + BigInt(c.amountMinor), 0n);
    const diff = sum - BigInt(stated);
    if (diff === 0n) return;
    const what = tracking === null ? 'this row' : `shipment ${tracking}`;
    sink.push(
      issue(
        'error',
        'total_mismatch',
        at(line.row, total.column),
        `${what} does not add up: its charges on this row sum to ${formatMinor(sum, currency)} ${currency} but the row states ${formatMinor(stated, currency)} ${currency} (${total.label}; difference ${formatMinor(diff, currency)})`,
      ),
    );
  }

  return (line) => {
    const row = line.row;
    const cols = line.columns;
    sheet = line.sheet;
    // invoice fields read from a row above (a summary row) are reported where they are
    const invoice = header(line.invoice, line.invoice.row ?? row, cols);
    if (invoice === null) return null;
    const currency = invoice.currency;

    const charges: CleanCharge[] = [];
    // the same scrubbed text shipmentOf stores (which reports it, after the charges as before)
    const rawTracking = line.shipment?.trackingNumber ?? null;
    const trackingNumber = rawTracking !== null && hasUnsafeText(rawTracking) ? scrubText(rawTracking).text : rawTracking;
    for (const c of line.charges) {
      const chargeCurrency = (c.currency || currency).toUpperCase();
      if (chargeCurrency !== currency) {
        sink.push(issue('error', 'currency_mismatch', at(row, c.column), `charge in ${chargeCurrency} on an invoice in ${currency}; amounts in two currencies cannot be summed`));
        continue;
      }
      const amountMinor = amount(c.amount, currency, row, c.column, 'amount');
      if (amountMinor === null) continue;
      let incentiveMinor: number | null = null;
      if (c.incentive !== '') incentiveMinor = amount(c.incentive, currency, row, cols.incentive, 'incentive');
      const description = text(c.description, row, c.descriptionColumn ?? cols.description);
      let chargeCode = classify(description, c.code, c.classification, trackingNumber === null);
      if (chargeCode === null) {
        chargeCode = 'unmapped';
        sink.push(issue('warning', 'unmapped_charge', at(row, c.descriptionColumn ?? cols.description), `no canonical code for charge "${description}"${c.code ? ` (code ${c.code})` : ''}; loaded as unmapped — map it with: ${chargesMapCommand(adapter.id, description)}, then etl remap`));
      }
      charges.push({
        chargeCode,
        chargeDescription: description,
        amountMinor,
        incentiveMinor,
        currency,
        trackingNumber,
        sourceRow: row,
        invoiceKey: invoice.key,
        amountColumn: c.column,
        carrierCode: c.code,
        carrierClass: c.classification,
        adjustmentKind: c.adjustmentKind ?? null,
      });
    }
    if (line.total !== undefined && charges.length === line.charges.length) checkRowTotal(line, line.total, charges, currency, trackingNumber);
    return {
      row,
      invoice,
      shipment: line.shipment === null ? null : shipmentOf(line.shipment, line),
      charges,
    };
  };
}

/**
 * A file-level control total as an exact amount, in `currency` (the file's invoices' when the
 * total names none). Pushes `bad_amount` and returns null when the amount is not a number.
 */
export function cleanControlTotal(file: string, total: ControlTotal, currency: string, locale: CarrierLocale, sink: IssueSink): CleanControlTotal | null {
  const cur = total.currency || currency;
  const stated = parseMinor(total.amount, locale.number, minorDigits(cur));
  if (!stated.ok) {
    sink.push(issue('error', 'bad_amount', { file, row: total.row, column: total.column }, `${total.label}: ${stated.reason}`));
    return null;
  }
  return { amountMinor: stated.minor, currency: cur, row: total.row, column: total.column, label: total.label };
}
