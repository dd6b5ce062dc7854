/**
 * What a carrier's download.ts gets: a page in a fresh browser context for one account, the
 * portal's base URL (real, or a local mock portal in tests), credentials, the date window, and
 * helpers that save downloads into the landing flow. The engine owns the browser, retries and
 * failure evidence; download.ts only drives pages.
 */
import type { Page } from 'playwright';

/** Credentials from the environment. Never log, store or put them in a message or file name. */
export interface PortalCredentials {
  readonly username: string;
  readonly password: string;
  /** The current RFC 6238 code for the account's TOTP secret; throws if the account has none. */
  totp(): string;
}

export interface PortalDocument {
  /** The portal's own id for the document (invoice number, document id): never downloaded twice. */
  readonly portalId: string;
  /** Absolute URL, or relative to the current page. */
  readonly url: string;
}

export interface DownloadContext {
  readonly page: Page;
  readonly baseUrl: string;
  /** The account number as configured. */
  readonly account: string;
  readonly credentials: PortalCredentials;
  /** Invoice dates to search, ISO, inclusive. */
  readonly window: { readonly from: string; readonly to: string };
  /** True when this document was downloaded in an earlier run: skip it. */
  alreadyHave(portalId: string): boolean;
  /**
   * Arms the download listener, runs `trigger` (the click), and saves the file before the
   * context can close. A download that fails or is cut off is a transient PortalError.
   */
  captureDownload(portalId: string, trigger: () => Promise<unknown>): Promise<void>;
  /**
   * Fetches documents through the logged-in context (its cookies), several at once
   * (`downloadConcurrency`), for long invoice lists. Skips documents already downloaded.
   */
  fetchAll(documents: readonly PortalDocument[]): Promise<void>;
  /** Names the step being done (login, totp, search...), for logs and failure evidence. */
  step(name: string): void;
  /**
   * Call once logged in (after the TOTP step). The playwright trace kept as failure evidence
   * starts here: a trace records typed values, so it must never cover the login form.
   */
  authenticated(): Promise<void>;
}
