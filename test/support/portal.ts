/** Helpers for portal tests: a mock portal, a config file and the environment that holds secrets. */
import fs from 'node:fs';
import path from 'node:path';
import { demoAccounts, type DemoAccount } from '../../fixtures/portal/accounts.js';
import { startMockPortal, type MockPortal } from '../../fixtures/portal/server.js';
import { ROOT } from './paths.js';

export interface PortalSetup {
  readonly portal: MockPortal;
  readonly accounts: readonly DemoAccount[];
  readonly configFile: string;
  /** Environment variables holding the accounts' secrets. */
  readonly env: Record<string, string>;
  /** Every secret value, to check none leaks. */
  readonly secrets: readonly string[];
}

export function envPrefix(carrier: string): string {
  return `ETL_${carrier.toUpperCase().replace(/-/g, '_')}`;
}

/** `credentials` replaces the demo accounts' username or password (e.g. with hostile characters). */
export async function startPortalSetup(
  dir: string,
  carriers: readonly string[],
  settings: Record<string, unknown> = {},
  credentials: { readonly username?: (carrier: string) => string; readonly password?: (carrier: string) => string } = {},
): Promise<PortalSetup> {
  const accounts = demoAccounts(ROOT, carriers).map((a) => ({
    ...a,
    username: credentials.username?.(a.carrier) ?? a.username,
    password: credentials.password?.(a.carrier) ?? a.password,
  }));
  const portal = await startMockPortal(accounts);
  const env: Record<string, string> = {};
  const lines = [
    `concurrency: ${String(settings.concurrency ?? 4)}`,
    `retries: ${String(settings.retries ?? 2)}`,
    `backoffMs: ${String(settings.backoffMs ?? 50)}`,
    'browser:',
    `  timeoutMs: ${String(settings.timeoutMs ?? 15000)}`,
    'accounts:',
  ];
  for (const a of accounts) {
    const p = envPrefix(a.carrier);
    env[`${p}_USER`] = a.username;
    env[`${p}_PASSWORD`] = a.password;
    env[`${p}_TOTP`] = a.totpSecret ?? '';
    lines.push(
      `  - carrier: ${a.carrier}`,
      `    account: "${a.account}"`,
      `    portalUrl: ${portal.siteUrl(a.carrier)}`,
      `    usernameEnv: ${p}_USER`,
      `    passwordEnv: ${p}_PASSWORD`,
      `    totpSecretEnv: ${p}_TOTP`,
    );
  }
  const configFile = path.join(dir, 'etl.config.yaml');
  fs.writeFileSync(configFile, `${lines.join('\n')}\n`);
  const secrets = accounts.flatMap((a) => [a.username, a.password, a.totpSecret ?? '']).filter((s) => s !== '');
  return { portal, accounts, configFile, env, secrets };
}
