/**
 * Data problems are values, not exceptions (design.md habit 5). Every stage returns the issues it
 * found; the loader stores them in `data_issues` with the file, row and column they point at.
 */
export type Severity = 'error' | 'warning' | 'info';

export const ISSUE_CODES = [
  // whole-file problems (the file is quarantined)
  'empty_file',
  'not_text',
  'truncated',
  'wrong_format',
  'column_count',
  'unterminated_quote',
  'unknown_carrier',
  'ambiguous_carrier',
  'conversion_failed',
  'workbook_limit',
  // a path that could not be read at all (permission, special file): nothing landed
  'unreadable_file',
  // the database refused the file's data (constraint, value out of range): quarantined, run goes on
  'rejected_by_database',
  // value problems (error severity quarantines the file)
  'bad_amount',
  'bad_date',
  'bad_number',
  'bad_dimensions',
  'missing_value',
  'inconsistent_value',
  'currency_mismatch',
  // reconciliation and mapping (the file loads)
  'total_mismatch',
  'unmapped_charge',
  // a text field held control characters (NUL, ESC...): stored without them
  'control_character',
  'invoice_replaced',
  // another version of the invoice wins: a later-dated one is loaded, or one from the same run
  // with the same date (which cannot be ordered) was loaded first
  'invoice_outdated',
  'invoice_conflict',
  'issues_truncated',
] as const;

export type IssueCode = (typeof ISSUE_CODES)[number];

/** Where an issue points: file name always; row (1-based line), sheet and column when known. */
export interface IssueLocation {
  readonly file: string;
  readonly sheet?: string;
  readonly row?: number;
  readonly column?: string;
}

export interface Issue {
  readonly severity: Severity;
  readonly code: IssueCode;
  readonly at: IssueLocation;
  /** Human sentence that names the file, row and column it is about. */
  readonly message: string;
}

/** Builds an issue whose message always starts with `file, row N, column C:`. */
export function issue(
  severity: Severity,
  code: IssueCode,
  at: IssueLocation,
  detail: string,
): Issue {
  return { severity, code, at, message: `${formatLocation(at)}: ${detail}` };
}

export function formatLocation(at: IssueLocation): string {
  const parts = [at.file];
  if (at.sheet !== undefined) parts.push(`sheet ${at.sheet}`);
  if (at.row !== undefined) parts.push(`row ${at.row}`);
  if (at.column !== undefined) parts.push(`column ${at.column}`);
  return parts.join(', ');
}

/**
 * Collects the issues of one file. Keeps the first `perCode` of each code (a 500k-row file with
 * one unknown charge name must not store 500k warnings) and counts the rest, which `list()`
 * reports as one `issues_truncated` line per code.
 */
export interface IssueSinkState {
  readonly kept: readonly Issue[];
  readonly counts: ReadonlyArray<readonly [IssueCode, number]>;
  readonly total: number;
  readonly errors: number;
  readonly warnings: number;
}

export class IssueSink {
  private readonly kept: Issue[] = [];
  private readonly counts = new Map<IssueCode, number>();
  /** Every issue pushed, kept or not. */
  total = 0;
  errors = 0;
  warnings = 0;

  constructor(
    private readonly file: string,
    private readonly perCode = 100,
  ) {}

  push(i: Issue): void {
    this.total++;
    if (i.severity === 'error') this.errors++;
    else if (i.severity === 'warning') this.warnings++;
    const n = (this.counts.get(i.code) ?? 0) + 1;
    this.counts.set(i.code, n);
    if (n <= this.perCode) this.kept.push(i);
  }

  /** Everything the sink holds, as plain data (it crosses from the file-flow worker thread). */
  state(): IssueSinkState {
    return { kept: this.kept, counts: [...this.counts], total: this.total, errors: this.errors, warnings: this.warnings };
  }

  /** Takes over what another sink of the same file collected (its issues come after this one's). */
  absorb(s: IssueSinkState): void {
    const before = new Map(this.counts);
    const added = new Map<IssueCode, number>();
    for (const i of s.kept) {
      const n = (added.get(i.code) ?? 0) + 1;
      added.set(i.code, n);
      if ((before.get(i.code) ?? 0) + n <= this.perCode) this.kept.push(i);
    }
    for (const [code, n] of s.counts) this.counts.set(code, (this.counts.get(code) ?? 0) + n);
    this.total += s.total;
    this.errors += s.errors;
    this.warnings += s.warnings;
  }

  /** Errors other than the listed codes (e.g. a total mismatch loads but is still an error). */
  errorsExcept(codes: readonly IssueCode[]): Issue[] {
    return this.kept.filter((i) => i.severity === 'error' && !codes.includes(i.code));
  }

  /** The kept issues plus one summary line per code that overflowed. */
  list(): Issue[] {
    const out = [...this.kept];
    for (const [code, n] of this.counts) {
      if (n > this.perCode) {
        out.push(issue('info', 'issues_truncated', { file: this.file }, `${n - this.perCode} more "${code}" issues not stored (${n} in all; the first ${this.perCode} are)`));
      }
    }
    return out;
  }
}
