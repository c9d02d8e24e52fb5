import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { envKey, runCli, tempDir } from './support/run-cli.ts';

const repo = fileURLToPath(new URL('../../../', import.meta.url));
let dir: { path: string; remove: () => Promise<void> };
let publicKey: string;
const CURSOR_SECRET = 'a-cursor-secret-that-is-long-enough-1234567890';

beforeAll(async () => {
  dir = await tempDir();
  publicKey = envKey((await runCli(['keys', 'generate'], { cwd: dir.path })).stdout);
});
afterAll(() => dir.remove());

describe('config check', () => {
  it('spanner, good environment: every setting listed, secret masked, exit 0', async () => {
    const env = {
      WIX_PUBLIC_KEYS: publicKey,
      SPANNER_INSTANCE: 'garden',
      SPANNER_DATABASE: 'plants',
      CURSOR_SECRET,
      PATH: '/usr/bin',
    };
    const result = await runCli(['config', 'check', '--service', 'spanner'], { cwd: repo, env });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Service spanner (settings: services/spanner/');
    expect(result.stdout).toContain('Configuration OK');
    expect(result.stdout).toMatch(/SPANNER_INSTANCE\s+garden/);
    expect(result.stdout).toMatch(/PORT\s+8080 \(default\)/);
    expect(result.stdout).toMatch(/CURSOR_SECRET\s+•+ \(secret, hidden\)/);
    expect(result.stdout).not.toContain(CURSOR_SECRET);
  });

  it('spanner, bad environment: missing and invalid settings, exit 1', async () => {
    const env = { WIX_PUBLIC_KEYS: 'not-a-key', SPANNER_DATABASE: 'plants', PORT: 'eighty', CURSOR_SECRET: 'short' };
    const result = await runCli(['config', 'check', '--service', 'spanner'], { cwd: repo, env });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/Configuration has \d+ problems/);
    expect(result.stdout).toMatch(/SPANNER_INSTANCE\s+MISSING \(required\)/);
    expect(result.stdout).toMatch(/WIX_PUBLIC_KEYS\s+INVALID/);
    expect(result.stdout).toMatch(/PORT\s+INVALID/);
    expect(result.stdout).toMatch(/CURSOR_SECRET\s+INVALID/);
    expect(result.stdout).not.toContain('"short"');
  });

  it('--settings-file checks the file, not the current environment', async () => {
    const file = join(dir.path, 'spanner.env');
    await writeFile(
      file,
      `# deploy settings\nWIX_PUBLIC_KEYS=${publicKey}\nSPANNER_INSTANCE=garden\nSPANNER_DATABASE="plants"\n`,
    );
    const fromFile = await runCli(['config', 'check', '--service', 'spanner', '--settings-file', file], {
      cwd: repo,
      env: { SPANNER_INSTANCE: '' },
    });
    expect(fromFile.code).toBe(0);
    expect(fromFile.stdout).toMatch(/SPANNER_DATABASE\s+plants/);

    const partial = join(dir.path, 'partial.env');
    await writeFile(partial, 'SPANNER_INSTANCE=garden\n');
    const onlyFile = await runCli(['config', 'check', '--service', 'spanner', '--settings-file', partial], {
      cwd: repo,
      env: { WIX_PUBLIC_KEYS: publicKey, SPANNER_DATABASE: 'plants' },
    });
    expect(onlyFile.code).toBe(1);
    const layered = await runCli(
      ['config', 'check', '--service', 'spanner', '--settings-file', partial, '--with-process-env'],
      { cwd: repo, env: { WIX_PUBLIC_KEYS: publicKey, SPANNER_DATABASE: 'plants' } },
    );
    expect(layered.code).toBe(0);
  });

  it("misspelt names and those of Wix's velo-external-db adaptor are warned about, naming the setting meant; still exit 0", async () => {
    const file = join(dir.path, 'misspelt.env');
    await writeFile(
      file,
      [
        `WIX_PUBLIC_KEYS=${publicKey}`,
        'SPANNER_INSTANCE=garden',
        'SPANNER_DATABASE=plants',
        'LEGACY_SECRET_KEY=a-legacy-secret-0123456789',
        'SPANER_PROJECT=x',
        'SECRET_KEY=another-legacy-secret-0123',
        'CLOUD_VENDOR=gcp',
        '',
      ].join('\n'),
    );
    // The process environment is not read without --with-process-env, and never judged with it.
    const env = { PATH: '/usr/bin', HOME: '/home/me', K_SERVICE: 'svc' };
    const result = await runCli(['config', 'check', '--service', 'spanner', '--settings-file', file], {
      cwd: repo,
      env,
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Configuration OK \(\d+ settings\)\. 4 warnings below\./);
    expect(result.stdout).toMatch(/LEGACY_SECRET_KEYS\s+not set \(optional\)/);
    expect(result.stdout).toContain(
      '  - LEGACY_SECRET_KEY is not a setting of this service, so it is ignored: did you mean LEGACY_SECRET_KEYS? Rename it to LEGACY_SECRET_KEYS.',
    );
    expect(result.stdout).toContain('did you mean SPANNER_PROJECT?');
    expect(result.stdout).toContain("SECRET_KEY is a setting of Wix's velo-external-db adaptor");
    expect(result.stdout).toContain('CLOUD_VENDOR is a setting of');
    expect(result.stdout).not.toMatch(/a-legacy-secret|another-legacy-secret|PATH|HOME|K_SERVICE/);

    const layered = await runCli(
      ['config', 'check', '--service', 'spanner', '--settings-file', file, '--with-process-env', '--json'],
      { cwd: repo, env },
    );
    expect(layered.code).toBe(0);
    const report = JSON.parse(layered.stdout) as { ok: boolean; warnings: string[] };
    expect(report.ok).toBe(true);
    expect(report.warnings.map((w) => w.split(' ')[0])).toEqual([
      'CLOUD_VENDOR',
      'LEGACY_SECRET_KEY',
      'SECRET_KEY',
      'SPANER_PROJECT',
    ]);
  });

  it('finds the service from inside a package folder and by path', async () => {
    const env = { WIX_PUBLIC_KEYS: publicKey };
    const fromPackage = await runCli(['config', 'check', '--service', 'spanner'], {
      cwd: join(repo, 'packages', 'cli'),
      env,
    });
    expect(fromPackage.stdout).toContain('Service spanner');
    expect(fromPackage.stdout).toMatch(/SPANNER_INSTANCE\s+/);
    const byPath = await runCli(['config', 'check', '--service', './services/spanner'], { cwd: repo, env });
    expect(byPath.stdout).toContain('Service spanner');
    expect(byPath.code).toBe(1); // SPANNER_INSTANCE/DATABASE missing
  });

  it('a Secret Manager reference without Google credentials says so, not a permission problem, and does not crash', async () => {
    const saved = process.env.GOOGLE_APPLICATION_CREDENTIALS;
    // A key file that does not exist: the credential lookup fails at once, with no network.
    process.env.GOOGLE_APPLICATION_CREDENTIALS = join(dir.path, 'no-such-key.json');
    try {
      const env = { WIX_PUBLIC_KEYS: 'sm://my-project/wix-keys', SPANNER_INSTANCE: 'garden', SPANNER_DATABASE: 'p' };
      const result = await runCli(['config', 'check', '--service', 'spanner'], { cwd: repo, env });
      expect(result.code).toBe(1);
      expect(result.stdout).toMatch(/WIX_PUBLIC_KEYS\s+INVALID \(from sm:\/\/my-project\/wix-keys\)/);
      expect(result.stdout).toContain('no Google credentials to read Secret Manager with');
      expect(result.stdout).toContain('gcloud auth application-default login');
      expect(result.stdout).not.toContain('permission denied');
    } finally {
      if (saved === undefined) delete process.env.GOOGLE_APPLICATION_CREDENTIALS;
      else process.env.GOOGLE_APPLICATION_CREDENTIALS = saved;
    }
  });

  it('usage errors: unknown service lists the available ones; missing --service; unreadable env file', async () => {
    const unknown = await runCli(['config', 'check', '--service', 'mysql'], { cwd: repo });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/no service "mysql" in .*services; available: .*spanner/);
    const missing = await runCli(['config', 'check'], { cwd: repo });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--service <db> is required');
    const file = await runCli(['config', 'check', '--service', 'spanner', '--settings-file', 'nope.env'], {
      cwd: repo,
    });
    expect(file.code).toBe(2);
    expect(file.stderr).toContain('--settings-file nope.env: cannot read it (ENOENT)');
    expect((await runCli(['config', 'validate'], { cwd: repo })).code).toBe(2);
  });
});
