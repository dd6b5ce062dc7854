/**
 * How load records cross from the file-flow worker to the loader (pipeline/flow-thread.ts).
 *
 * Structured clone copies every object with its property names and every string with its
 * bytes: posting the records as objects cost the worker a fifth of its time and the loader as
 * much again to rebuild them. Here a list of records goes column by column instead:
 * - words: texts that repeat across a batch (an invoice key, a few dozen charge descriptions and
 *   codes, units, countries) as indexes into the batch's distinct texts;
 * - texts: texts that are mostly distinct (tracking numbers, postcodes) as they are;
 * - numbers: in a Float64Array (safe integers and measures are exact in a double; NaN is null,
 *   booleans are 0 and 1).
 * The typed arrays move to the other thread rather than being copied. Pure.
 */
import { MinorTotal } from '../model/money.js';
import type { ShipmentFacts } from '../model/records.js';
import type { LoadCharge } from './flow.js';
import type { ShipmentAggregate } from './pivot.js';

/** A list of records, column by column. */
export interface Packed {
  readonly count: number;
  /** The distinct texts of the word columns. */
  readonly words: readonly string[];
  /** Per record, one index into `words` per word column (-1: null). */
  readonly codes: Int32Array;
  /** Per record, one value per text column. */
  readonly texts: readonly (string | null)[];
  /** Per record, one value per number column (NaN: null). */
  readonly numbers: Float64Array;
}

/** How one kind of record is read column by column. */
interface Columns<T> {
  readonly words: readonly ((r: T) => string | null)[];
  readonly texts: readonly ((r: T) => string | null)[];
  readonly numbers: readonly ((r: T) => number | boolean | null)[];
}

function pack<T>(list: readonly T[], cols: Columns<T>): Packed {
  const nw = cols.words.length;
  const nt = cols.texts.length;
  const nn = cols.numbers.length;
  const index = new Map<string, number>();
  const words: string[] = [];
  const codes = new Int32Array(list.length * nw);
  const texts = new Array<string | null>(list.length * nt);
  const numbers = new Float64Array(list.length * nn);
  for (let j = 0; j < list.length; j++) {
    const r = list[j] as T;
    for (let f = 0; f < nw; f++) {
      const v = (cols.words[f] as (r: T) => string | null)(r);
      let i = -1;
      if (v !== null) {
        i = index.get(v) ?? -1;
        if (i === -1) {
          i = words.length;
          words.push(v);
          index.set(v, i);
        }
      }
      codes[j * nw + f] = i;
    }
    for (let f = 0; f < nt; f++) texts[j * nt + f] = (cols.texts[f] as (r: T) => string | null)(r);
    for (let f = 0; f < nn; f++) {
      const v = (cols.numbers[f] as (r: T) => number | boolean | null)(r);
      numbers[j * nn + f] = v === null ? Number.NaN : Number(v);
    }
  }
  return { count: list.length, words, codes, texts, numbers };
}

/** Reads record `j` of a packed list: word, text and number column `f`. */
class Unpacker {
  private readonly nw: number;
  private readonly nt: number;
  private readonly nn: number;
  j = 0;
  constructor(
    private readonly p: Packed,
    cols: Columns<never>,
  ) {
    this.nw = cols.words.length;
    this.nt = cols.texts.length;
    this.nn = cols.numbers.length;
  }
  word(f: number): string | null {
    const i = this.p.codes[this.j * this.nw + f] as number;
    return i < 0 ? null : (this.p.words[i] as string);
  }
  text(f: number): string | null {
    return this.p.texts[this.j * this.nt + f] ?? null;
  }
  number(f: number): number | null {
    const v = this.p.numbers[this.j * this.nn + f] as number;
    return Number.isNaN(v) ? null : v;
  }
  flag(f: number): boolean {
    return this.p.numbers[this.j * this.nn + f] === 1;
  }
}

/** The buffers that move with a packed list. */
export function transferOf(p: Packed): ArrayBuffer[] {
  return [p.codes.buffer as ArrayBuffer, p.numbers.buffer as ArrayBuffer];
}

// ---- charges

const CHARGE_WORDS = ['invoiceKey', 'chargeCode', 'chargeDescription', 'currency', 'carrierCode', 'carrierClass', 'adjustmentKind'] as const satisfies readonly (keyof LoadCharge)[];
const CHARGE_TEXTS = ['trackingNumber'] as const satisfies readonly (keyof LoadCharge)[];
const CHARGE_NUMBERS = ['amountMinor', 'incentiveMinor', 'sourceRow'] as const satisfies readonly (keyof LoadCharge)[];

// every field of a LoadCharge is packed (one added to it fails to compile until it is added here)
type ChargeLeft = Exclude<keyof LoadCharge, (typeof CHARGE_WORDS)[number] | (typeof CHARGE_TEXTS)[number] | (typeof CHARGE_NUMBERS)[number] | 'amountColumn'>;
const chargesPacked: [ChargeLeft] extends [never] ? true : ChargeLeft = true;
void chargesPacked;

const CHARGE_COLUMNS: Columns<LoadCharge> = {
  words: CHARGE_WORDS.map((k) => (c: LoadCharge) => c[k]),
  texts: CHARGE_TEXTS.map((k) => (c: LoadCharge) => c[k]),
  numbers: CHARGE_NUMBERS.map((k) => (c: LoadCharge) => c[k]),
};

export function packCharges(list: readonly LoadCharge[]): Packed {
  return pack(list, CHARGE_COLUMNS);
}

export function unpackCharges(p: Packed): LoadCharge[] {
  const u = new Unpacker(p, CHARGE_COLUMNS);
  const out = new Array<LoadCharge>(p.count);
  for (let j = 0; j < p.count; j++) {
    u.j = j;
    const c: Record<string, unknown> = {};
    for (let f = 0; f < CHARGE_WORDS.length; f++) c[CHARGE_WORDS[f] as string] = u.word(f);
    for (let f = 0; f < CHARGE_TEXTS.length; f++) c[CHARGE_TEXTS[f] as string] = u.text(f);
    for (let f = 0; f < CHARGE_NUMBERS.length; f++) c[CHARGE_NUMBERS[f] as string] = u.number(f);
    out[j] = c as unknown as LoadCharge;
  }
  return out;
}

// ---- shipments (validated: facts.netTotalMinor is the exact, safe total)

const FACT_WORDS = ['service', 'shipDate', 'zone', 'weightUnit', 'dimensionUnit', 'senderCountry', 'receiverCountry', 'weightSource'] as const satisfies readonly (keyof ShipmentFacts)[];
const FACT_TEXTS = ['trackingNumber', 'leadTrackingNumber', 'senderPostcode', 'receiverPostcode', 'receiverCompany'] as const satisfies readonly (keyof ShipmentFacts)[];
const FACT_NUMBERS = [
  'packageCount', 'enteredWeight', 'billedWeight', 'length', 'width', 'height', 'volumetricWeight', 'netTotalMinor',
  'declaredWeight', 'declaredLength', 'declaredWidth', 'declaredHeight',
] as const satisfies readonly (keyof ShipmentFacts)[];
const AGG_WORDS = ['invoiceKey', 'currency'] as const satisfies readonly (keyof ShipmentAggregate)[];
const AGG_NUMBERS = ['lastRow', 'serviceRank', 'fromPackageRow', 'auditedWeight', 'auditedDimensions'] as const satisfies readonly (keyof ShipmentAggregate)[];

type FactLeft = Exclude<keyof ShipmentFacts, (typeof FACT_WORDS)[number] | (typeof FACT_TEXTS)[number] | (typeof FACT_NUMBERS)[number]>;
const factsPacked: [FactLeft] extends [never] ? true : FactLeft = true;
void factsPacked;
// netTotal is rebuilt from facts.netTotalMinor
type AggLeft = Exclude<keyof ShipmentAggregate, (typeof AGG_WORDS)[number] | (typeof AGG_NUMBERS)[number] | 'facts' | 'netTotal'>;
const aggregatesPacked: [AggLeft] extends [never] ? true : AggLeft = true;
void aggregatesPacked;

/** Which aggregate numbers are booleans (1 or 0 as they cross). */
const PACKED_FLAG: Readonly<Record<(typeof AGG_NUMBERS)[number], number | boolean>> = {
  lastRow: 0, serviceRank: 0, fromPackageRow: false, auditedWeight: false, auditedDimensions: false,
};

const AGG_FLAGS = AGG_NUMBERS.map((k) => typeof PACKED_FLAG[k] === 'boolean');

const SHIPMENT_COLUMNS: Columns<ShipmentAggregate> = {
  words: [...AGG_WORDS.map((k) => (s: ShipmentAggregate) => s[k]), ...FACT_WORDS.map((k) => (s: ShipmentAggregate) => s.facts[k])],
  texts: FACT_TEXTS.map((k) => (s: ShipmentAggregate) => s.facts[k]),
  numbers: [...AGG_NUMBERS.map((k) => (s: ShipmentAggregate) => s[k]), ...FACT_NUMBERS.map((k) => (s: ShipmentAggregate) => s.facts[k])],
};

export function packShipments(list: readonly ShipmentAggregate[]): Packed {
  return pack(list, SHIPMENT_COLUMNS);
}

export function unpackShipments(p: Packed): ShipmentAggregate[] {
  const u = new Unpacker(p, SHIPMENT_COLUMNS);
  const out = new Array<ShipmentAggregate>(p.count);
  const aw = AGG_WORDS.length;
  const an = AGG_NUMBERS.length;
  for (let j = 0; j < p.count; j++) {
    u.j = j;
    // plain loops: no closure per record on the loader's hot path
    const facts: Record<string, unknown> = {};
    for (let f = 0; f < FACT_WORDS.length; f++) facts[FACT_WORDS[f] as string] = u.word(aw + f);
    for (let f = 0; f < FACT_TEXTS.length; f++) facts[FACT_TEXTS[f] as string] = u.text(f);
    for (let f = 0; f < FACT_NUMBERS.length; f++) facts[FACT_NUMBERS[f] as string] = u.number(an + f);
    const agg: Record<string, unknown> = { facts };
    for (let f = 0; f < AGG_WORDS.length; f++) agg[AGG_WORDS[f] as string] = u.word(f);
    for (let f = 0; f < an; f++) agg[AGG_NUMBERS[f] as string] = AGG_FLAGS[f] === true ? u.flag(f) : u.number(f);
    const netTotal = new MinorTotal();
    netTotal.add((facts as ShipmentFacts).netTotalMinor);
    agg.netTotal = netTotal;
    out[j] = agg as unknown as ShipmentAggregate;
  }
  return out;
}
