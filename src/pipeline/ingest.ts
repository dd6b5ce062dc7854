/**
 * The pipeline for local files: land → parse → clean → pivot → validate → load, one transaction
 * per file (loadLanded: the pure steps of flow.ts batch by batch, each batch loaded by load.ts). A bad file is quarantined (raw copy kept, issues stored, message naming file, row and
 * column) and never stops the files after it; only a system failure (database gone) does.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { CarrierAdapter, FileSample, ParseInput } from '../carrier-kit/contract.js';
import type { Kysely, Transaction } from 'kysely';
import type { Db } from '../db/connect.js';
import { lockKey, type KeyLock } from '../db/lock.js';
import type { Database } from '../db/schema.js';
import { classifyDbError, dbMessage } from '../db/failure.js';
import { describeError, LoadError, PathError, SystemError, type EtlError } from '../errors.js';
import { issue, IssueSink, type Issue } from '../model/issue.js';
import { binaryKind, createDecoder, endsMidUtf8Character, undecodableReason, type TextEncoding } from '../parsing/text.js';
import { readWorkbookBounded, workbookHead, WorkbookLimitError, type SheetGrid } from '../parsing/xlsx.js';
import { fateChanges, fateKey, fateOf, notRetriedMessage, parseFate } from './fate.js';
import { overridesFor, type ChargeOverride } from './overrides.js';
import { CONVERTIBLE, libreOfficeConverter, type Converter } from './convert.js';
import { detectCarrier } from './detect.js';
import { landFile, type LandedFile } from './land.js';
import { workDirOf } from './leftovers.js';
import { FileLoader, insertIssues, insertSourceFile } from './load.js';
import { FileFlow, type FileVerdict } from './flow.js';
import { findCarrier } from '../../carriers/index.js';
import { stepsHere, stepsInWorker } from './flow-thread.js';
import { decodedInput, type LandedText } from './input.js';
import type { InvoiceAggregate } from './pivot.js';
import { totalOutOfRange } from './validate.js';

/**
 * Open shipment aggregates before the oldest are written out. Bounds memory whatever the file
 * size: a package's rows normally sit together, so a shipment is complete long before 512 others
 * open after it, and it dies young in V8's nursery instead of filling the old generation
 * (5,000 gave 185-205 MB peak RSS on the 500k-row benchmark, 512 gives 147 MB and is faster).
 */
const SPILL_AT = 512;
/**
 * Read size. Decoded text of 128 KiB or more goes to V8's large-object space, which only a full
 * GC frees: 256 KiB chunks gave 217 MB peak RSS on the 500k-row benchmark, 64 KiB gives 185 MB
 * and is faster (docs/performance.md).
 */
const READ_CHUNK = 64 * 1024;
/**
 * Text files from this size on are parsed in a worker thread (pipeline/flow-thread.ts): below
 * it, starting the worker (~0.1 s to load the carriers' modules) costs more than it saves.
 */
const THREAD_AT = 8 * 1024 * 1024;

/** The file's pure steps run in a worker thread: a big text file of a built-in carrier. */
function inWorker(ctx: IngestContext, adapter: CarrierAdapter, prepared: Prepared): boolean {
  if (prepared.workbookPath !== null || findCarrier(adapter.id) !== adapter) return false;
  const env = process.env.ETL_THREAD_AT;
  const threadAt = ctx.threadAt ?? (env !== undefined && env !== '' ? Number(env) : THREAD_AT);
  return prepared.landed.bytes >= threadAt;
}

function landedText(l: LandedFile): LandedText {
  return { originalName: l.originalName, storedPath: l.storedPath, bytes: l.bytes, head: l.head };
}

export interface IngestContext {
  readonly db: Db;
  readonly dataDir: string;
  readonly runId: number | null;
  /** Open shipments before the oldest are written out (default SPILL_AT; tests use 1). */
  readonly spillAt?: number;
  /** Bytes read per parse batch (default READ_CHUNK; tests use tiny ones to force spilling). */
  readonly readChunk?: number;
  /** Called as bytes are parsed (for a progress bar). */
  readonly onProgress?: (file: string, done: number, total: number) => void;
  /**
   * Text files of at least this many bytes are parsed in a worker thread while this one loads
   * (default THREAD_AT, env ETL_THREAD_AT; Infinity: never; tests use 0 to run every file there).
   */
  readonly threadAt?: number;
}

export interface FileResult {
  readonly file: string;
  /** The carrier the file was read as ('unknown' when detection failed). */
  readonly carrier: string;
  /** The carrier was recognized from the content (no --carrier). */
  readonly detected: boolean;
  /** `unreadable`: the path could not be read at all (nothing landed; see PathError). */
  readonly status: 'loaded' | 'skipped' | 'quarantined' | 'unreadable';
  /** Why a file was skipped or quarantined. */
  readonly message: string | null;
  readonly sourceFileId: number | null;
  readonly invoices: number;
  readonly charges: number;
  readonly unreconciled: number;
  /** Invoices not loaded because a version with the same date from the same run was (see load.ts addInvoice). */
  readonly conflicts: number;
  readonly warnings: number;
  readonly errors: number;
  /** Rows that came back to a shipment already written out (see SPILL_AT). */
  readonly shipmentsReopened: number;
  /** The first issues, for the terminal; all stored ones are in data_issues. */
  readonly issues: readonly Issue[];
  /** Set when identical bytes had been quarantined before and were tried again: why. */
  readonly retried?: readonly string[];
}

/** The source files these results loaded (what post-load steps recompute). */
export function loadedFileIds(results: readonly FileResult[]): number[] {
  return results.flatMap((r) => (r.status === 'loaded' && r.sourceFileId !== null ? [r.sourceFileId] : []));
}

class Quarantine extends Error {
  constructor(readonly issues: readonly Issue[]) {
    super('quarantine');
  }
}

function workbookInput(landed: LandedFile, xlsxPath: string, sheets: readonly SheetGrid[] | undefined): ParseInput {
  return {
    file: landed.originalName,
    kind: 'workbook',
    path: xlsxPath,
    sheets,
    encoding: 'utf8',
    bytes: landed.bytes,
    head: '',
    async *chunks() {
      // a workbook has no text stream: parse reads it with readWorkbook(input)
    },
  };
}

/** The landed file's bytes, in 64 KiB chunks (for checks that need more than the head). */
function* landedChunks(landed: LandedFile): Generator<Buffer> {
  const fd = fs.openSync(landed.storedPath, 'r');
  try {
    const buf = Buffer.allocUnsafe(READ_CHUNK);
    for (;;) {
      const n = fs.readSync(fd, buf, 0, buf.length, null);
      if (n === 0) return;
      yield buf.subarray(0, n);
    }
  } finally {
    fs.closeSync(fd);
  }
}

const CUT_OFF = 'the file ends in the middle of a UTF-8 character (every byte before is valid UTF-8): it was cut off, probably an incomplete download or copy';

/** Problems that make the bytes unreadable at all. */
export function wholeFileIssue(landed: LandedFile, workbook: boolean): Issue | null {
  const file = landed.originalName;
  if (landed.bytes === 0) return issue('error', 'empty_file', { file }, 'the file is empty (0 bytes); the download probably failed');
  if (workbook) return null;
  const kind = binaryKind(landed.head);
  if (kind !== null) return issue('error', 'not_text', { file }, `the file is ${kind}`);
  // read as Windows-1252 otherwise, which would load the cut-off UTF-8 text as mojibake
  if (!landed.utf8 && endsMidUtf8Character(landedChunks(landed))) return issue('error', 'truncated', { file }, CUT_OFF);
  return null;
}

/** Why no carrier recognized a file, when its bytes tell (see wholeFileIssue); null = unknown. */
function unrecognizedIssue(landed: LandedFile, detection: string): Issue | null {
  const file = landed.originalName;
  const kind = binaryKind(landed.head);
  if (kind !== null) return issue('error', 'not_text', { file }, `no carrier recognizes this file: it is ${kind}`);
  if (landed.utf8) return null;
  const why = undecodableReason(landedChunks(landed));
  if (why === null) return null;
  return issue('error', why.startsWith('it ends') ? 'truncated' : 'unknown_carrier', { file }, `no carrier recognizes this file: ${why}; ${detection.replace(/^no carrier recognizes this file; /, '')}`);
}

/** How a landed file is read: as text, or as a workbook (xlsx, converted from xls/ods if needed). */
export interface Prepared {
  readonly landed: LandedFile;
  readonly workbookPath: string | null;
  /** The workbook's sheets once read (within the workbook limits, see parsing/xlsx.ts). */
  readonly sheets?: readonly SheetGrid[];
  /** What decides this attempt's fate (pipeline/fate.ts), stored on its source_files row. */
  readonly fateKey?: string;
  /** The quarantined source_files row this attempt retries (its row is reused: sha256 is unique). */
  readonly replaces?: number;
  /** Why it is retried. */
  readonly retried?: readonly string[];
}

export interface IngestOptions {
  /** The carrier of every file; undefined = recognize each file's carrier from its content. */
  readonly carrier?: CarrierAdapter;
  /** Carriers detection chooses from. */
  readonly carriers: readonly CarrierAdapter[];
  readonly account?: string;
  /** Converts xls/ods to xlsx (default: headless LibreOffice, one start per batch). */
  readonly converter?: Converter;
  /** The operator's charge-map overrides, all carriers (pipeline/overrides.ts). */
  readonly overrides?: readonly ChargeOverride[];
  /** `etl retry`: try quarantined files again even when nothing that decides their fate changed. */
  readonly retry?: boolean;
}

/** A file from the landing store, read under the name it arrived with (`etl retry`). */
export interface LandedCopy {
  readonly path: string;
  readonly name: string;
}

const OLE2_MAGIC = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
const ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]);

function extOf(name: string): string {
  return path.extname(name).slice(1).toLowerCase();
}

/** Legacy spreadsheets LibreOffice must convert: by extension or by the OLE2 signature. */
export function needsConversion(l: LandedFile): boolean {
  return CONVERTIBLE.has(extOf(l.originalName)) || l.head.subarray(0, 8).equals(OLE2_MAGIC);
}

function isXlsx(l: LandedFile): boolean {
  return extOf(l.originalName) === 'xlsx' && l.head.subarray(0, 4).equals(ZIP_MAGIC);
}

/** Spreadsheet formats (CarrierAdapter.accepts); every other format a carrier accepts is text. */
const WORKBOOK_FORMATS: ReadonlySet<string> = new Set(['xlsx', 'xls', 'ods']);

/**
 * The format of a landed file, as CarrierAdapter.accepts names formats: a spreadsheet by its
 * extension (`xls` for the OLE2 signature under another name); any other file is text, named by
 * its extension ('' when it has none).
 */
function formatOf(l: LandedFile): { readonly workbook: boolean; readonly format: string } {
  const ext = extOf(l.originalName);
  if (needsConversion(l) || isXlsx(l)) return { workbook: true, format: WORKBOOK_FORMATS.has(ext) ? ext : 'xls' };
  return { workbook: false, format: ext };
}

/**
 * Whether `adapter` takes the file, by what it declares in `accepts`: a spreadsheet must be of a
 * format listed there; a text file needs a text format listed (its extension is not checked:
 * CSV exports arrive as .csv, .txt, .dat or with none).
 */
export function acceptsFile(adapter: CarrierAdapter, l: LandedFile): boolean {
  const { workbook, format } = formatOf(l);
  return workbook ? adapter.accepts.includes(format) : adapter.accepts.some((f) => !WORKBOOK_FORMATS.has(f));
}

/** The issue refusing a file `adapter` does not take (see acceptsFile). */
function notAccepted(adapter: CarrierAdapter, l: LandedFile): Issue {
  const { workbook, format } = formatOf(l);
  const what = workbook ? `a spreadsheet (${format})` : 'a text file';
  return issue('error', 'wrong_format', { file: l.originalName }, `not read as ${adapter.name}: it is ${what}, and ${adapter.name} files come as ${adapter.accepts.join(', ')} only`);
}

/**
 * Ingests local files: lands each, converts the legacy spreadsheets among them in one
 * LibreOffice batch, recognizes each file's carrier unless one is given, and loads each in its
 * own transaction. Results come in input order. Throws only on system failures.
 */
export async function ingestPaths(ctx: IngestContext, files: readonly (string | LandedCopy)[], options: IngestOptions): Promise<FileResult[]> {
  const results: (FileResult | undefined)[] = new Array(files.length);
  const toConvert: { index: number; landed: LandedFile; attempt: Attempt; content: KeyLock }[] = [];
  const fate = fateOf(options);
  for (let i = 0; i < files.length; i++) {
    const f = files[i] as string | LandedCopy;
    let landed: LandedFile;
    try {
      landed = typeof f === 'string' ? await landFile(f, ctx.dataDir) : await landFile(f.path, ctx.dataDir, f.name);
    } catch (err) {
      if (!(err instanceof PathError)) throw err;
      results[i] = await recordUnreadable(ctx, err.path, err.message);
      continue;
    }
    // PostgreSQL: another process may be loading the same bytes; their content lock is held
    // from the look-up below until the file's transaction commits, so the second finds them
    // loaded (db/lock.ts). SQLite: a no-op, the run lock keeps loads apart.
    const content = (await lockKey(ctx.db, 'content', landed.sha256, { wait: true })) as KeyLock;
    let kept = false;
    try {
      const prior = await ctx.db.db.selectFrom('source_files').select(['id', 'status', 'carrier', 'fate_key']).where('sha256', '=', landed.sha256).executeTakeFirst();
      let attempt: Attempt = { fateKey: fateKey(fate) };
      if (prior !== undefined && prior.status === 'quarantined') {
        // A quarantined file is tried again when something that decides its fate changed; else
        // it is still bad, and the result says why nothing was tried (and the command exits 1).
        const changes = options.retry === true ? ['etl retry'] : fateChanges(parseFate(prior.fate_key), fate);
        if (changes.length === 0) {
          results[i] = result(landed.originalName, prior.carrier, false, 'quarantined', notRetriedMessage(prior.id, fate), prior.id);
          continue;
        }
        attempt = { ...attempt, replaces: prior.id, retried: changes };
      } else if (prior !== undefined) {
        results[i] = result(landed.originalName, prior.carrier, false, 'skipped', `identical file already ${prior.status} (source file ${prior.id}); nothing changed`, prior.id);
        continue;
      }
      if (landed.bytes > 0 && options.carrier !== undefined && !acceptsFile(options.carrier, landed)) {
        // refused before it is converted: the carrier says it never sends such files
        results[i] = await quarantine(ctx, sourceRowOf({ landed, workbookPath: null, ...attempt }, options.carrier.id, null, options.account), [notAccepted(options.carrier, landed)], false);
      } else if (landed.bytes > 0 && needsConversion(landed)) {
        toConvert.push({ index: i, landed, attempt, content });
        kept = true;
      } else {
        results[i] = await ingestPrepared(ctx, { landed, workbookPath: isXlsx(landed) ? landed.storedPath : null, ...attempt }, options);
      }
    } finally {
      if (!kept) await content.release();
    }
  }
  try {
    if (toConvert.length > 0) {
      const converter = options.converter ?? libreOfficeConverter({ workRoot: workDirOf(ctx.dataDir) });
      const converted = await converter.toXlsx(toConvert.map((c) => c.landed.storedPath));
      for (const { index, landed, attempt } of toConvert) {
        const out = converted.get(landed.storedPath);
        if (out === undefined || out instanceof Error) {
          const why = out instanceof Error ? out.message : 'no output';
          results[index] = await quarantine(ctx, sourceRowOf({ landed, workbookPath: null, ...attempt }, options.carrier?.id ?? 'unknown', null, options.account), [
            issue('error', 'conversion_failed', { file: landed.originalName }, `could not be converted to xlsx: ${why}`),
          ], options.carrier === undefined);
        } else {
          results[index] = await ingestPrepared(ctx, { landed, workbookPath: out, ...attempt }, options);
        }
      }
    }
  } finally {
    for (const c of toConvert) await c.content.release();
  }
  return results.map((r) => {
    if (r === undefined) throw new Error('internal: a file got no result');
    return r;
  });
}

/** Ingests one local file as `adapter`'s (tests, and callers that know the carrier). */
export async function ingestFile(
  ctx: IngestContext,
  adapter: CarrierAdapter,
  filePath: string,
  options: { readonly account?: string; readonly converter?: Converter } = {},
): Promise<FileResult> {
  const [r] = await ingestPaths(ctx, [filePath], { ...options, carrier: adapter, carriers: [adapter] });
  if (r === undefined) throw new Error('internal: no result');
  return r;
}

/** What detection looks at. */
export async function sampleOf(p: Prepared): Promise<FileSample> {
  if (p.workbookPath !== null) {
    try {
      return { name: p.landed.originalName, kind: 'workbook', head: workbookHead(p.sheets ?? (await readWorkbookBounded(p.workbookPath))) };
    } catch {
      return { name: p.landed.originalName, kind: 'workbook', head: '' };
    }
  }
  const d = await createDecoder(p.landed.utf8 ? 'utf8' : 'cp1252');
  return { name: p.landed.originalName, kind: 'text', head: d.write(p.landed.head) };
}

type Attempt = Pick<Prepared, 'fateKey' | 'replaces' | 'retried'>;

function sourceRowOf(p: Prepared, carrier: string, encoding: TextEncoding | null, account: string | undefined) {
  const landed = p.landed;
  return {
    fateKey: p.fateKey ?? null,
    replaces: p.replaces ?? null,
    retried: p.retried,
    carrier,
    accountNumber: account ?? null,
    originalName: landed.originalName,
    sha256: landed.sha256,
    bytes: landed.bytes,
    kind: extOf(landed.originalName) || 'unknown',
    encoding,
    storedPath: landed.storedPath,
  };
}

async function ingestPrepared(ctx: IngestContext, prepared: Prepared, options: IngestOptions): Promise<FileResult> {
  const landed = prepared.landed;
  if (prepared.workbookPath !== null && prepared.sheets === undefined && landed.bytes > 0) {
    // Read once, in a worker bounded in time and memory, before detection and parsing: a
    // workbook past a limit is quarantined here instead of stalling the run. Unreadable ones
    // fall through to the carrier's own `wrong_format` message.
    try {
      prepared = { ...prepared, sheets: await readWorkbookBounded(prepared.workbookPath) };
    } catch (err) {
      if (err instanceof WorkbookLimitError) {
        return quarantine(ctx, sourceRowOf(prepared, options.carrier?.id ?? 'unknown', null, options.account), [
          issue('error', 'workbook_limit', { file: landed.originalName }, `not read: ${err.message}`),
        ], options.carrier === undefined);
      }
    }
  }
  let adapter = options.carrier;
  const detected = adapter === undefined;
  if (adapter === undefined && landed.bytes > 0) {
    // only carriers that take files of this format compete (CarrierAdapter.accepts)
    const d = detectCarrier(await sampleOf(prepared), options.carriers.filter((c) => acceptsFile(c, landed)));
    if (!d.ok) {
      const why = d.reason === 'unknown' && prepared.workbookPath === null ? unrecognizedIssue(landed, d.message) : null;
      return quarantine(ctx, sourceRowOf(prepared, 'unknown', null, options.account), [
        why ?? issue('error', d.reason === 'unknown' ? 'unknown_carrier' : 'ambiguous_carrier', { file: landed.originalName, row: 1 }, d.message),
      ], true);
    }
    adapter = d.carrier;
  }
  if (adapter === undefined) {
    return quarantine(ctx, sourceRowOf(prepared, 'unknown', null, options.account), [wholeFileIssue(landed, false) as Issue], true);
  }
  return loadLanded(ctx, adapter, prepared, detected, options);
}

/** How a landed file's text is decoded: UTF-8 when it is valid UTF-8 (and for workbooks), else the carrier's legacy encoding. */
export function encodingOf(prepared: Prepared, adapter: CarrierAdapter): TextEncoding {
  return prepared.workbookPath !== null || prepared.landed.utf8 ? 'utf8' : (adapter.legacyEncoding ?? 'cp1252');
}

/** What `adapter.parse` reads: the decoded text, streamed, or the workbook. */
export async function parseInputOf(prepared: Prepared, adapter: CarrierAdapter, readChunk = READ_CHUNK, onProgress?: (done: number) => void): Promise<ParseInput> {
  const landed = prepared.landed;
  if (prepared.workbookPath !== null) return workbookInput(landed, prepared.workbookPath, prepared.sheets);
  return decodedInput(landed, encodingOf(prepared, adapter), readChunk, onProgress);
}

async function loadLanded(
  ctx: IngestContext,
  adapter: CarrierAdapter,
  prepared: Prepared,
  detected: boolean,
  options: Pick<IngestOptions, 'account' | 'overrides'>,
): Promise<FileResult> {
  const account = options.account;
  const overrides = overridesFor(options.overrides ?? [], adapter.id);
  const landed = prepared.landed;
  const file = landed.originalName;
  const { db } = ctx.db;
  const workbook = prepared.workbookPath !== null;
  const encoding = encodingOf(prepared, adapter);
  const sourceRow = { ...sourceRowOf(prepared, adapter.id, workbook ? null : encoding, account), runId: ctx.runId };

  const early = wholeFileIssue(landed, workbook);
  if (early !== null) return quarantine(ctx, sourceRow, [early], detected);

  const sink = new IssueSink(file);
  let loaded: Awaited<ReturnType<typeof recordLoaded>>;
  try {
    loaded = await inTransaction(db, async (trx) => {
      const sourceFileId = await insertSourceFile(trx, { ...sourceRow, status: 'loaded', message: null });
      const loader = new FileLoader(trx, ctx.db, adapter.id, file, sourceFileId, ctx.runId);
      const flowOptions = { account, overrides, spillAt: ctx.spillAt ?? SPILL_AT };
      const progress = ctx.onProgress && ((done: number) => ctx.onProgress?.(file, done, landed.bytes));
      // 1. parse → clean → aggregate → validate (pure): in a worker thread for a big text file
      const steps = inWorker(ctx, adapter, prepared)
        ? stepsInWorker({ carrier: adapter.id, file, landed: landedText(landed), encoding, readChunk: ctx.readChunk ?? READ_CHUNK, flow: flowOptions }, sink, progress)
        : stepsHere(new FileFlow(adapter, file, sink, flowOptions), sink, adapter.parse(await parseInputOf(prepared, adapter, ctx.readChunk, progress)));
      try {
        let charges = 0;
        // 2. load, batch by batch
        for await (const toLoad of steps.batches()) charges += await loader.loadBatch(toLoad);
        // 3. the shipments still open; sums of a shipment's parts only the database knows
        const rest = await steps.rest();
        const found: Issue[] = [];
        if (rest !== null) {
          await loader.writeShipments(rest);
          for (const u of await loader.unsafeShipmentTotals()) found.push(totalOutOfRange(file, `shipment ${u.trackingNumber}`, u.total, u.currency, u.row));
        }
        // 4. reconcile: quarantine the file, or finish loading it
        const verdict = await steps.verdict(found);
        if (verdict.quarantine) throw new Quarantine(sink.list());
        await loader.finish(steps.invoices.values(), verdict.reconciliations);
        return recordLoaded(trx, loader, steps.invoices, verdict, { sourceFileId, charges, account: account ?? steps.invoices.values().next().value?.header.accountNumber ?? null, issues: sink.list(), runId: ctx.runId });
      } finally {
        await steps.close();
      }
    });
  } catch (cause) {
    if (cause instanceof Quarantine) return quarantine(ctx, sourceRow, cause.issues, detected);
    if (cause instanceof SystemError) throw cause;
    const rejected = dbFailure(ctx.db, file, cause);
    if (rejected === null) {
      return quarantine(ctx, sourceRow, [issue('error', 'rejected_by_database', { file }, `the database refused this file, so nothing of it was loaded: ${dbMessage(cause)}`)], detected);
    }
    throw rejected;
  }
  const all = [...sink.list(), ...loaded.notes];
  const versions = loaded.notes.filter((n) => n.code === 'invoice_conflict' || n.code === 'invoice_outdated');
  return {
    file,
    carrier: adapter.id,
    detected,
    // nothing of the file loaded because other versions win: a conflict needs a person, an older version does not
    status: loaded.invoices > 0 ? 'loaded' : loaded.conflicts > 0 ? 'quarantined' : 'skipped',
    message: loaded.unreconciled > 0 ? `${loaded.unreconciled} stated total(s) do not reconcile` : (versions[0]?.message ?? null),
    conflicts: loaded.conflicts,
    sourceFileId: loaded.sourceFileId,
    invoices: loaded.invoices,
    charges: loaded.charges,
    unreconciled: loaded.unreconciled,
    warnings: sink.warnings + loaded.notes.length,
    errors: sink.errors,
    shipmentsReopened: loaded.reopened,
    issues: all.filter((i) => i.severity !== 'info').slice(0, 20),
    ...(prepared.retried ? { retried: prepared.retried } : {}),
  };
}

/** Stores a loaded file's account and issues, and its status when other versions won every invoice. */
async function recordLoaded(
  trx: Transaction<Database>,
  loader: FileLoader,
  invoicesByKey: ReadonlyMap<string, InvoiceAggregate>,
  verdict: FileVerdict,
  f: { readonly sourceFileId: number; readonly charges: number; readonly account: string | null; readonly issues: readonly Issue[]; readonly runId: number | null },
) {
  const { sourceFileId } = f;
  await trx.updateTable('source_files').set({ account_number: f.account }).where('id', '=', sourceFileId).execute();
  await insertIssues(trx, sourceFileId, f.runId, [...f.issues, ...loader.notes]);
  let unreconciled = 0;
  for (const [key, r] of verdict.reconciliations) if (r.reconciled === false && !loader.skipped(key)) unreconciled++;
  // a file-level control total that does not match counts as one unreconciled amount
  if (!verdict.controlOk) unreconciled++;
  unreconciled += verdict.partialMismatches;
  const invoices = [...invoicesByKey.keys()].filter((k) => !loader.skipped(k)).length;
  if (invoices === 0) {
    // every invoice of the file lost to another version: the file is not current
    const why = loader.notes.find((n) => n.code === 'invoice_conflict' || n.code === 'invoice_outdated')?.message ?? null;
    await trx.updateTable('source_files').set({ status: loader.conflicts > 0 ? 'quarantined' : 'superseded', message: why }).where('id', '=', sourceFileId).execute();
  }
  return { invoices, charges: f.charges, unreconciled, sourceFileId, notes: loader.notes, reopened: loader.continuations, conflicts: loader.conflicts };
}

/**
 * Runs `fn` in a transaction and throws the first error: of `fn`, or of COMMIT. Kysely's
 * transaction().execute() throws the ROLLBACK's error instead when that fails too, which hid the
 * cause: SQLite rolls a transaction back by itself on SQLITE_FULL, so the ROLLBACK after it says
 * "cannot rollback - no transaction is active"; a dead PostgreSQL connection cannot roll back.
 */
async function inTransaction<T>(db: Kysely<Database>, fn: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
  const trx = await db.startTransaction().execute();
  try {
    const result = await fn(trx);
    await trx.commit().execute();
    return result;
  } catch (err) {
    await trx.rollback().execute().catch(() => undefined);
    throw err;
  }
}

/**
 * The error that stops the run for a database failure while loading `file`, or null when the
 * database only refused this file's data (then the file is quarantined and the run goes on).
 */
export function dbFailure(db: Db, file: string, err: unknown): EtlError | null {
  if (classifyDbError(err) === 'rejected_data') return null;
  return (
    unusableDatabase(db, err, `while loading ${file}`, `${file} was rolled back and the files after it were not loaded`) ??
    new LoadError(`loading ${file} into ${db.safeUrl} failed and was rolled back: ${describeError(err)}`, { cause: err })
  );
}

/**
 * A SystemError naming the cause and the database when `err` means the database is unusable
 * (connection lost, disk full); null otherwise. `during` and `outcome` complete the sentence.
 */
export function unusableDatabase(db: Pick<Db, 'safeUrl'>, err: unknown, during: string, outcome: string): SystemError | null {
  const kind = classifyDbError(err);
  if (kind === 'connection_lost') {
    return new SystemError(`lost the connection to ${db.safeUrl} ${during} (${dbMessage(err)}); ${outcome}; run the command again once the database is reachable`, { cause: err });
  }
  if (kind === 'disk_full') {
    return new SystemError(`disk full: the database ${db.safeUrl} has no space left ${during} (${dbMessage(err)}); ${outcome}; free space where the database lives and run the command again`, { cause: err });
  }
  return null;
}

function result(file: string, carrier: string, detected: boolean, status: FileResult['status'], message: string | null, sourceFileId: number | null): FileResult {
  return { file, carrier, detected, status, message, sourceFileId, invoices: 0, charges: 0, unreconciled: 0, conflicts: 0, warnings: 0, errors: 0, shipmentsReopened: 0, issues: [] };
}

/**
 * A path that could not be read: nothing landed, so no source file; the issue is stored with
 * the run (file name = the path) so `etl status` and the report show it.
 */
export async function recordUnreadable(ctx: Pick<IngestContext, 'db' | 'runId'>, filePath: string, message: string): Promise<FileResult> {
  const problem = issue('error', 'unreadable_file', { file: filePath }, message.startsWith(`${filePath}: `) ? message.slice(filePath.length + 2) : message);
  await insertIssues(ctx.db.db, null, ctx.runId, [problem]);
  return { ...result(filePath, 'unknown', false, 'unreadable', problem.message, null), errors: 1, issues: [problem] };
}

/** Records a quarantined file and its issues in their own transaction. */
async function quarantine(
  ctx: IngestContext,
  row: Omit<Parameters<typeof insertSourceFile>[1], 'status' | 'message' | 'runId'> & { readonly retried?: readonly string[] | undefined },
  issues: readonly Issue[],
  detected: boolean,
): Promise<FileResult> {
  const errors = issues.filter((i) => i.severity === 'error');
  const first = errors[0] ?? issues[0];
  const message = first?.message ?? `${row.originalName}: quarantined`;
  const id = await inTransaction(ctx.db.db, async (trx) => {
    const sourceFileId = await insertSourceFile(trx, { ...row, runId: ctx.runId, status: 'quarantined', message });
    await insertIssues(trx, sourceFileId, ctx.runId, issues);
    return sourceFileId;
  }).catch((err: unknown) => {
    throw dbFailure(ctx.db, row.originalName, err) ?? err;
  });
  return {
    file: row.originalName,
    carrier: row.carrier,
    detected,
    status: 'quarantined',
    message,
    sourceFileId: id,
    invoices: 0,
    charges: 0,
    unreconciled: 0,
    conflicts: 0,
    warnings: issues.length - errors.length,
    errors: errors.length,
    shipmentsReopened: 0,
    issues: [...errors, ...issues.filter((i) => i.severity === 'warning')].slice(0, 20),
    ...(row.retried ? { retried: row.retried } : {}),
  };
}
