/**
 * The `worker:` section of etl.config.yaml: leases, retries and polling of the job queue. Read by
 * whoever enqueues (leases and retries travel with each job) and by every worker (maintenance,
 * polling, stop). The defaults suit production; the multi-worker test shortens them.
 */
import { z } from 'zod';

export const workerSettingsSchema = z.strictObject({
  /**
   * Lease of an account job (log in, download, ingest): after this many seconds without
   * completing, the job counts as lost (its worker died) and another worker may take it.
   */
  accountLeaseSeconds: z.number().int().min(5).max(86_400).default(3600),
  /** Lease of a file job (ingest one file from shared storage). */
  fileLeaseSeconds: z.number().int().min(5).max(86_400).default(1800),
  /** Attempts after the first, for a job that failed, lost its worker or found its account busy. */
  retryLimit: z.number().int().min(0).max(100).default(5),
  /** Seconds before the first retry; doubled per attempt (pg-boss retryBackoff). */
  retryDelaySeconds: z.number().int().min(0).max(3600).default(60),
  /** How often a worker looks for jobs whose lease expired (pg-boss maintenance). */
  maintenanceSeconds: z.number().int().min(1).max(3600).default(60),
  /** How often an idle worker asks for a job. */
  pollingSeconds: z.number().min(0.5).max(60).default(2),
  /** On SIGTERM, seconds to let the current jobs finish before they are handed back to the queue. */
  stopGraceSeconds: z.number().int().min(0).max(3600).default(25),
  /** PostgreSQL schema that holds the queue's tables (pg-boss's own, beside ours). */
  schema: z.string().regex(/^[a-z_][a-z0-9_]{0,47}$/, 'must be a lower-case PostgreSQL identifier').default('pgboss'),
});

export type WorkerSettings = z.infer<typeof workerSettingsSchema>;

export const DEFAULT_WORKER_SETTINGS: WorkerSettings = workerSettingsSchema.parse({});
