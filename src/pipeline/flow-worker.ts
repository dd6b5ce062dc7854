/**
 * The file-flow worker thread (started by pipeline/flow-thread.ts): reads and decodes one text
 * file, runs the carrier's parse and the pure steps, and posts the load batches, at most
 * IN_FLIGHT ahead of the loader. Touches no database.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { findCarrier } from '../../carriers/index.js';
import { IssueSink } from '../model/issue.js';
import { FileFlow } from './flow.js';
import { IN_FLIGHT, portableBatch, type FromWorker, type ToWorker, type WorkerJob } from './flow-thread.js';
import { decodedInput } from './input.js';
import { packShipments, transferOf } from './pack.js';

/** Progress is posted every this many bytes read. */
const PROGRESS_EVERY = 1 << 20;

async function run(job: WorkerJob, port: NonNullable<typeof parentPort>): Promise<void> {
  const send = (m: FromWorker, transfer: ArrayBuffer[] = []): void => port.postMessage(m, transfer);
  let acked = 0;
  let sent = 0;
  let wake: (() => void) | null = null;
  let extra: ToWorker | null = null;
  port.on('message', (m: ToWorker) => {
    if (m.type === 'ack') acked++;
    else extra = m;
    wake?.();
  });
  const until = async (ready: () => boolean): Promise<void> => {
    while (!ready()) {
      await new Promise<void>((resolve) => (wake = resolve));
      wake = null;
    }
  };

  const adapter = findCarrier(job.carrier);
  if (adapter === undefined) throw new Error(`internal: no carrier ${job.carrier} in the worker`);
  const sink = new IssueSink(job.file);
  const flow = new FileFlow(adapter, job.file, sink, job.flow);
  // a Buffer crosses threads as a Uint8Array
  const landed = { ...job.landed, head: Buffer.from(job.landed.head.buffer, job.landed.head.byteOffset, job.landed.head.byteLength) };
  let reported = 0;
  const input = await decodedInput(landed, job.encoding, job.readChunk, (done) => {
    if (done - reported >= PROGRESS_EVERY || done === landed.bytes) {
      reported = done;
      send({ type: 'progress', done });
    }
  });
  for await (const batch of adapter.parse(input)) {
    const toLoad = flow.take(batch);
    if (toLoad === null) continue;
    await until(() => sent - acked < IN_FLIGHT);
    const portable = portableBatch(toLoad);
    send({ type: 'batch', batch: portable.batch }, portable.transfer);
    sent++;
  }
  const rest = flow.rest();
  const packed = rest === null ? null : packShipments(rest);
  send({ type: 'rest', rest: packed }, packed === null ? [] : transferOf(packed));
  await until(() => extra !== null);
  const asked = extra as ToWorker | null;
  if (asked?.type === 'verdict') for (const i of asked.extra) sink.push(i);
  const verdict = flow.verdict();
  send({ type: 'end', verdict, invoices: [...flow.invoices.values()], sink: sink.state() });
  port.close();
}

if (parentPort !== null) {
  const port = parentPort;
  run(workerData as WorkerJob, port).catch((e: unknown) => {
    const err = e instanceof Error ? e : new Error(String(e));
    const code = (err as { code?: unknown }).code;
    port.postMessage({ type: 'error', name: err.name === 'SystemError' || err.constructor.name === 'SystemError' ? 'SystemError' : err.name, message: err.message, ...(typeof code === 'string' ? { code } : {}) } satisfies FromWorker);
  });
}
