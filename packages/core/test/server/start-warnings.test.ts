/**
 * runService tells the configuration's warnings (config/warnings.ts) once per start: a
 * WARNING log line each once it listens, after the problems when it cannot start, and under
 * "Warnings:" in `check`. Run in a process of its own, as a service runs.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const index = fileURLToPath(new URL('../../src/index.ts', import.meta.url));

function run(argv: string[], env: Record<string, string>): { stdout: string; stderr: string } {
  const script = `
    import { generateKeyPairSync } from 'node:crypto';
    const core = await import(${JSON.stringify(index)});
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const pem = publicKey.export({ type: 'spki', format: 'pem' });
    const env = { WIX_PUBLIC_KEYS: pem, PORT: '0', HOST: '127.0.0.1', ...${JSON.stringify(env)} };
    for (const [name, value] of Object.entries(env)) if (value === '') delete env[name];
    await core.runService(
      { name: 'probe', settings: core.coreSettings, async createStorage() { return { capabilities: {}, close: async () => {} }; } },
      ${JSON.stringify(argv)},
      env,
    );
    // The warnings are told half a second after the server listens (start.ts WARNINGS_AFTER_LISTEN_MS).
    await new Promise((resolve) => setTimeout(resolve, 800));
    process.stdout.write('\\nexit ' + (process.exitCode ?? 0) + '\\n');
    process.exit(0);
  `;
  let stderr = '';
  try {
    const stdout = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return { stdout, stderr };
  } catch (err) {
    stderr = (err as { stderr?: string }).stderr ?? '';
    throw new Error(`the probe failed: ${stderr}`);
  }
}

const logLines = (stdout: string) =>
  stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);

const MISSPELT = { LEGACY_SECRET_KEY: 'a-legacy-secret-0123456789', PATH: process.env.PATH ?? '', HOME: '/nowhere' };
const EXPECTED =
  'LEGACY_SECRET_KEY is not a setting of this service, so it is ignored: did you mean LEGACY_SECRET_KEYS? Rename it to LEGACY_SECRET_KEYS.';

describe('runService and the configuration warnings', () => {
  it('logs each warning once, as a WARNING line naming the variable, and starts', () => {
    const { stdout } = run([], MISSPELT);
    const warnings = logLines(stdout).filter((line) => line.severity === 'WARNING');
    expect(warnings).toEqual([expect.objectContaining({ message: EXPECTED, setting: 'LEGACY_SECRET_KEY' })]);
    expect(logLines(stdout).find((line) => /listening on/.test(String(line.message)))).toMatchObject({
      legacyMode: 'off',
    });
    expect(stdout).toContain('\nexit 0\n');
    expect(stdout).not.toContain('a-legacy-secret-0123456789');
  });

  it('check lists it under Warnings and exits 0', () => {
    const { stdout } = run(['check'], MISSPELT);
    expect(stdout).toMatch(/^Configuration OK \(\d+ settings\)\. 1 warning below\./);
    expect(stdout).toContain(`\nWarnings:\n  - ${EXPECTED}\n`);
    expect(stdout).toContain('\nexit 0\n');
  });

  it('a service that cannot start names each problem once, then the warnings', () => {
    const { stderr } = runFailing({ ...MISSPELT, WIX_PUBLIC_KEYS: '', WIX_PUBLIC_KEY: 'a key under the wrong name' });
    expect(stderr).not.toContain('a key under the wrong name');
    expect(stderr).toMatch(
      /^probe adaptor cannot start; fix these settings:\n {2}- WIX_PUBLIC_KEYS is required but not set/,
    );
    expect(stderr).not.toContain('WIX_PUBLIC_KEYS: WIX_PUBLIC_KEYS');
    expect(stderr).toContain('\nWarnings:\n');
    expect(stderr).toContain(
      '  - WIX_PUBLIC_KEY is not a setting of this service, so it is ignored: did you mean WIX_PUBLIC_KEYS?',
    );
    expect(stderr).toContain(`  - ${EXPECTED}\n`);
  });

  it('an unpinned Secret Manager reference: the warning says how to pin it, next to why it could not be read', () => {
    // A key file that does not exist: the credential lookup fails at once, with no network.
    const { stderr } = runFailing({
      ...MISSPELT,
      GOOGLE_APPLICATION_CREDENTIALS: '/nowhere/key.json',
      CURSOR_SECRET: 'sm://my-proj/cursor',
    });
    expect(stderr).toContain('  - CURSOR_SECRET: no Google credentials to read Secret Manager with');
    // The library's sentence is kept whole: not cut at the dot of key.json.
    expect(stderr).toContain('/nowhere/key.json');
    expect(stderr).toContain('  - CURSOR_SECRET: sm://my-proj/cursor names no version');
    expect(stderr).toContain('Pin a version: sm://my-proj/cursor/VERSION');
  });
});

/** Like run, for a start that fails: its stderr. */
function runFailing(env: Record<string, string>): { stderr: string } {
  const script = `
    const core = await import(${JSON.stringify(index)});
    const env = ${JSON.stringify(env)};
    for (const [name, value] of Object.entries(env)) if (value === '') delete env[name];
    await core.runService(
      { name: 'probe', settings: core.coreSettings, async createStorage() { throw new Error('not reached'); } },
      [],
      env,
    );
    process.exit(process.exitCode ?? 0);
  `;
  try {
    // The Google client libraries read their variables from the process (GOOGLE_APPLICATION_CREDENTIALS).
    execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      encoding: 'utf8',
      stdio: 'pipe',
      env: { ...process.env, ...env },
    });
  } catch (err) {
    return { stderr: (err as { stderr: string }).stderr };
  }
  throw new Error('the start should have failed');
}
