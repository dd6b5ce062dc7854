/**
 * The pure steps of one file (parse → clean → aggregate → validate, pipeline/flow.ts) on this
 * thread, or in a worker thread while this one loads: both cores for one big file. Either way
 * the loader sees the same `FileSteps`: the load batches in file order, the shipments still open
 * at the end, then the verdict. The worker runs at most `IN_FLIGHT` batches ahead of the loader
 * (back-pressure: memory stays flat however fast it parses).
 *
 * What crosses the thread boundary is plain data (structured clone). The aggregates' exact sums
 * (`MinorTotal`) get their prototype back on arrival; nothing is recomputed.
 */
import { Worker } from 'node:worker_threads';
import type { ParseBatch } from '../carrier-kit/contract.js';
import { SystemError } from '../errors.js';
import type { Issue, IssueSink, IssueSinkState } from '../model/issue.js';
import { MinorTotal } from '../model/money.js';
import type { TextEncoding } from '../parsing/text.js';
import type { FileFlow, FileFlowOptions, FileVerdict, LoadBatch } from './flow.js';
import type { LandedText } from './input.js';
import { packCharges, packShipments, transferOf, unpackCharges, unpackShipments, type Packed } from './pack.js';
import type { InvoiceAggregate, ShipmentAggregate } from './pivot.js';

/** Load batches the worker may run ahead of the loader. */
export const IN_FLIGHT = 4;

/** The worker's garbage is short-lived: a small nursery keeps its resident memory low. */
const WORKER_YOUNG_MB = 16;
/**
 * The worker's old generation limit. Not for what it holds (under 100 MB at 2M rows) but
 * for when it collects: under V8's default limit (GBs) the old generation may grow to about four
 * times what lives in it before a full collection, at or below 512 MB to about 1.4 times. That
 * took 30-40 MB off the peak resident memory of a 500k-row ingest and 60-90 MB off a 2M-row one
 * (docs/performance.md), at no cost in time measurable here. A file needing more than this in the
 * worker stops with a SystemError that says so.
 */
export const WORKER_OLD_MB = 512;

/** One file's pure steps, as the loader drives them. */
export interface FileSteps {
  /** What to load, batch by batch, in file order (nothing once the file has an error). */
  batches(): AsyncIterable<LoadBatch>;
  /** After the last batch: the shipments still open, validated (null once failed). */
  rest(): Promise<ShipmentAggregate[] | null>;
  /** Adds what the loader found (sums only the database knows), then reconciles the file. */
  verdict(extra: readonly Issue[]): Promise<FileVerdict>;
  /** Every invoice of the file, by key (complete once `verdict` has returned). */
  readonly invoices: ReadonlyMap<string, InvoiceAggregate>;
  /** Stops the worker, if any (after a failure). */
  close(): Promise<void>;
}

/** The steps on this thread. */
export function stepsHere(flow: FileFlow, sink: IssueSink, parsed: AsyncIterable<ParseBatch>): FileSteps {
  return {
    async *batches() {
      for await (const batch of parsed) {
        const toLoad = flow.take(batch);
        if (toLoad !== null) yield toLoad;
      }
    },
    rest: async () => flow.rest(),
    verdict: async (extra) => {
      for (const i of extra) sink.push(i);
      return flow.verdict();
    },
    get invoices() {
      return flow.invoices;
    },
    close: async () => undefined,
  };
}

/** What the worker needs to run a file's steps (plain data: the adapter is found by id). */
export interface WorkerJob {
  readonly carrier: string;
  readonly file: string;
  readonly landed: LandedText;
  readonly encoding: TextEncoding;
  readonly readChunk: number;
  readonly flow: FileFlowOptions;
}

/** Worker → loader. */
export type FromWorker =
  | { readonly type: 'progress'; readonly done: number }
  | { readonly type: 'batch'; readonly batch: PortableBatch }
  | { readonly type: 'rest'; readonly rest: Packed | null }
  | { readonly type: 'end'; readonly verdict: FileVerdict; readonly invoices: InvoiceAggregate[]; readonly sink: IssueSinkState }
  | { readonly type: 'error'; readonly name: string; readonly message: string; readonly code?: string };

/** Loader → worker. */
export type ToWorker = { readonly type: 'ack' } | { readonly type: 'verdict'; readonly extra: readonly Issue[] };

/** The steps in a worker thread; issues found there join `sink` when the verdict arrives. */
export function stepsInWorker(job: WorkerJob, sink: IssueSink, onProgress?: (done: number) => void): FileSteps {
  const worker = new Worker(new URL('./flow-worker.js', import.meta.url), {
    workerData: job,
    resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_MB, maxOldGenerationSizeMb: WORKER_OLD_MB },
  });
  const inbox: FromWorker[] = [];
  let wake: (() => void) | null = null;
  let failure: Error | null = null;
  let ended = false;
  const post = (m: ToWorker): void => worker.postMessage(m);
  worker.on('message', (m: FromWorker) => {
    inbox.push(m);
    wake?.();
  });
  worker.on('error', (e) => {
    failure ??= (e as { code?: unknown }).code === 'ERR_WORKER_OUT_OF_MEMORY'
      ? new SystemError(`the file-flow worker of ${job.file} ran out of memory (its limit is ${WORKER_OLD_MB} MB)`, { cause: e })
      : e instanceof Error ? e : new Error(String(e));
    wake?.();
  });
  worker.on('exit', (code) => {
    if (!ended) failure ??= new SystemError(`the file-flow worker of ${job.file} stopped (exit code ${code})`);
    wake?.();
  });
  const next = async (): Promise<FromWorker> => {
    for (;;) {
      const m = inbox.shift();
      if (m !== undefined) {
        if (m.type === 'error') throw rebuiltError(m);
        return m;
      }
      if (failure !== null) throw failure;
      await new Promise<void>((resolve) => (wake = resolve));
      wake = null;
    }
  };
  let rest: ShipmentAggregate[] | null = null;
  const invoices = new Map<string, InvoiceAggregate>();
  return {
    async *batches() {
      for (;;) {
        const m = await next();
        if (m.type === 'progress') onProgress?.(m.done);
        else if (m.type === 'batch') {
          yield revivedBatch(m.batch);
          post({ type: 'ack' });
        } else if (m.type === 'rest') {
          rest = m.rest === null ? null : unpackShipments(m.rest);
          return;
        } else throw new Error(`internal: file-flow worker sent ${m.type} before its last batch`);
      }
    },
    rest: async () => rest,
    async verdict(extra) {
      post({ type: 'verdict', extra });
      const m = await next();
      if (m.type !== 'end') throw new Error(`internal: file-flow worker sent ${m.type} instead of its verdict`);
      ended = true;
      sink.absorb(m.sink);
      for (const inv of m.invoices) invoices.set(inv.key, revivedInvoice(inv));
      return m.verdict;
    },
    invoices,
    async close() {
      ended = true;
      await worker.terminate();
    },
  };
}

function rebuiltError(m: Extract<FromWorker, { type: 'error' }>): Error {
  const e = m.name === 'SystemError' ? new SystemError(m.message) : new Error(m.message);
  if (m.code !== undefined) Object.assign(e, { code: m.code });
  return e;
}

/** A structured clone keeps the fields of a `MinorTotal`, not its class. */
function revivedTotal(t: MinorTotal): MinorTotal {
  return Object.setPrototypeOf(t, MinorTotal.prototype) as MinorTotal;
}

function revivedShipment(s: ShipmentAggregate): ShipmentAggregate {
  revivedTotal(s.netTotal);
  return s;
}

function revivedInvoice(inv: InvoiceAggregate): InvoiceAggregate {
  revivedTotal(inv.netTotal);
  for (const s of inv.open.values()) revivedShipment(s);
  return inv;
}

/**
 * A load batch as it crosses to the loader: charges and spilled shipments packed column by
 * column (pipeline/pack.ts), opened shipments as what the loader needs of them (it gets the
 * whole shipment when it is spilled), new invoices without their open shipments (the final
 * invoices come with the verdict).
 */
export interface PortableBatch {
  readonly newInvoices: readonly InvoiceAggregate[];
  readonly opened: readonly LoadBatch['opened'][number][];
  readonly charges: Packed;
  readonly spilled: Packed;
}

/** The batch as it is posted, and the buffers that move with it. */
export function portableBatch(b: LoadBatch): { batch: PortableBatch; transfer: ArrayBuffer[] } {
  const charges = packCharges(b.charges);
  const spilled = packShipments(b.spilled);
  return {
    batch: {
      newInvoices: b.newInvoices.length === 0 ? b.newInvoices : b.newInvoices.map((inv) => ({ ...inv, open: new Map() })),
      opened: b.opened.map((s) => ({ invoiceKey: s.invoiceKey, facts: { trackingNumber: s.facts.trackingNumber } })),
      charges,
      spilled,
    },
    transfer: [...transferOf(charges), ...transferOf(spilled)],
  };
}

export function revivedBatch(b: PortableBatch): LoadBatch {
  for (const inv of b.newInvoices) revivedInvoice(inv);
  return { newInvoices: b.newInvoices, opened: b.opened, charges: unpackCharges(b.charges), spilled: unpackShipments(b.spilled) };
}
