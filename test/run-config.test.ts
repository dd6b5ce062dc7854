/** etl.config.yaml: defaults, and errors that name the file, the line and the field. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { UsageError } from '../src/errors.js';
import { parseRunConfig } from '../src/run-config.js';
import { ROOT } from './support/paths.js';

describe('run configuration', () => {
  test('the example config is valid and fills defaults', () => {
    const c = parseRunConfig(fs.readFileSync(path.join(ROOT, 'etl.config.example.yaml'), 'utf8'));
    assert.equal(c.accounts.length, 2);
    assert.equal(c.accounts[0]?.account, '0000A12B34');
    const minimal = parseRunConfig('accounts:\n  - carrier: gls\n    account: 27600001\n    portalUrl: http://127.0.0.1:1/gls/\n    usernameEnv: GLS_USER\n    passwordEnv: GLS_PASSWORD\n');
    assert.equal(minimal.concurrency, 4);
    assert.equal(minimal.retries, 3);
    assert.equal(minimal.accounts[0]?.account, '27600001');
  });

  test('errors name the line and the field', () => {
    const text = 'concurrency: 4\naccounts:\n  - carrier: ups\n    account: "1"\n    portalUrl: not a url\n    usernameEnv: UPS_USER\n    passwordEnv: UPS_PASSWORD\n';
    assert.throws(() => parseRunConfig(text, 'my.yaml'), (e: unknown) => e instanceof UsageError && /^my\.yaml:5: accounts\[0\]\.portalUrl: /.test(e.message));
    assert.throws(() => parseRunConfig('accounts:\n  - carrier: ups\n    account: "1"\n    portalUrl: http://x/\n    usernameEnv: ups-user\n    passwordEnv: P\n', 'c.yaml'), (e: unknown) => e instanceof UsageError && /c\.yaml:5: accounts\[0\]\.usernameEnv: must be an environment variable name/.test(e.message));
    assert.throws(() => parseRunConfig('concurrency: [oops\n', 'bad.yaml'), (e: unknown) => e instanceof UsageError && /^bad\.yaml:\d+:\d+: not valid YAML/.test(e.message));
    assert.throws(() => parseRunConfig('concurrency: 4\npassword: hunter2\naccounts: []\n', 'x.yaml'), (e: unknown) => e instanceof UsageError && /x\.yaml/.test(e.message) && !/hunter2/.test(e.message));
  });
});
