/**
 * The browser: Debian's Chromium driven by playwright. Nothing here downloads a browser; the
 * flags keep Chromium off the network except for the portal it is pointed at.
 */
import fs from 'node:fs';
import { chromium, type Browser } from 'playwright';
import { SystemError } from '../errors.js';

export const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  '--disable-dev-shm-usage',
] as const;

export interface BrowserOptions {
  /** Chromium binary: config, else ETL_CHROMIUM, else /usr/bin/chromium. */
  readonly executablePath?: string;
  readonly headless?: boolean;
}

/** Injected so tests could pass another browser; `etl run` uses launchChromium. */
export type BrowserFactory = (options: BrowserOptions) => Promise<Browser>;

export const launchChromium: BrowserFactory = async (options) => {
  const executablePath = options.executablePath ?? process.env.ETL_CHROMIUM ?? '/usr/bin/chromium';
  if (!fs.existsSync(executablePath)) {
    throw new SystemError(`Chromium not found at ${executablePath}: install the Debian package chromium (scripts/install-deps.sh does), or set browser.executablePath / ETL_CHROMIUM`);
  }
  try {
    // ETL_CHROMIUM_ARGS: extra flags for unusual hosts (space-separated)
    const extra = (process.env.ETL_CHROMIUM_ARGS ?? '').split(/\s+/).filter((a) => a !== '');
    return await chromium.launch({ executablePath, headless: options.headless ?? true, args: [...CHROMIUM_FLAGS, ...extra] });
  } catch (err) {
    throw new SystemError(`could not start Chromium (${executablePath}): ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`, { cause: err });
  }
};
