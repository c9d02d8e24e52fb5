import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { run } from '../src/cli.ts';
import type { Io } from '../src/output.ts';
import { startAdaptor } from './support/adaptor.ts';
import { envKey, runCli, tempDir } from './support/run-cli.ts';

const exec = promisify(execFile);
const packageDir = fileURLToPath(new URL('../', import.meta.url));
const hooks = fileURLToPath(new URL('../../testkit/src/source-hooks.ts', import.meta.url));
const distCli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

/** Runs a CLI entry file in a child process; resolves with the exit code instead of rejecting. */
async function spawnCli(entry: string[], args: string[], cwd: string, env: Record<string, string> = {}) {
  try {
    const { stdout, stderr } = await exec(process.execPath, [...entry, ...args], {
      cwd,
      env: { PATH: process.env.PATH ?? '', ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const failed = err as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

const SOURCE = ['--experimental-transform-types', '--no-warnings', '--import', hooks, `${packageDir}src/cli.ts`];

describe('adaptors (dispatch)', () => {
  it('help: top level lists every command; each command has --help; exit codes', async () => {
    const top = await runCli(['--help'], { cwd: packageDir });
    expect(top.code).toBe(0);
    for (const name of ['keys', 'sign', 'call', 'config', 'connect']) expect(top.stdout).toContain(`  ${name} `);
    expect(top.stdout).toContain('Exit codes: 0 ok · 1 the operation failed');
    for (const name of ['keys', 'sign', 'call', 'config', 'connect']) {
      const help = await runCli([name, '--help'], { cwd: packageDir });
      expect(help.code, name).toBe(0);
      expect(help.stdout, name).toMatch(/^Usage: adaptors /);
      expect((await runCli(['help', name], { cwd: packageDir })).stdout).toBe(help.stdout);
    }
    expect((await runCli([], { cwd: packageDir })).code).toBe(2);
    const unknown = await runCli(['deploy'], { cwd: packageDir });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown command "deploy"');
  });
});

describe('an unexpected error', () => {
  // Standard input that fails as a broken pipe does: an error no command turns into a message of its own.
  const failingIo = (env: Record<string, string>, out: { stderr: string; stdout: string }): Io => ({
    stdout: (text) => {
      out.stdout += text;
    },
    stderr: (text) => {
      out.stderr += text;
    },
    readStdin: async () => {
      throw new Error('read EIO: standard input failed');
    },
    env,
    cwd: packageDir,
    fetch: (url, init) => fetch(url, init),
  });

  it('prints its message and how to see more, no stack trace; exit 1', async () => {
    const out = { stdout: '', stderr: '' };
    expect(await run(['sign', '-'], failingIo({}, out))).toBe(1);
    expect(out.stdout).toBe('');
    expect(out.stderr).toBe(
      'adaptors sign: unexpected error: read EIO: standard input failed\n' +
        'This is not a known failure of the command; re-run with ADAPTORS_DEBUG=1 for details.\n',
    );
    expect(out.stderr).not.toMatch(/\n\s+at /);
  });

  it('ADAPTORS_DEBUG=1 adds the stack trace; exit 1 still', async () => {
    const out = { stdout: '', stderr: '' };
    expect(await run(['sign', '-'], failingIo({ ADAPTORS_DEBUG: '1' }, out))).toBe(1);
    expect(out.stderr).toContain('adaptors sign: unexpected error: read EIO: standard input failed\n');
    expect(out.stderr).toMatch(/\n\s+at /);
    expect(out.stderr).not.toContain('re-run with');
  });
});

describe('adaptors --version', () => {
  it('prints the release, at the top level and after any command', async () => {
    const { version } = JSON.parse(readFileSync(`${packageDir}package.json`, 'utf8')) as { version: string };
    for (const argv of [['--version'], ['-v'], ['call', '--version'], ['config', 'check', '--version']]) {
      const result = await runCli(argv, { cwd: packageDir });
      expect(result.code, argv.join(' ')).toBe(0);
      expect(result.stdout).toBe(`adaptors ${version}\n`);
    }
  });
});

describe('adaptors as a process', () => {
  it('src/cli.ts under node: keys generate → sign → call a real adaptor → 401 with another key', async () => {
    const dir = await tempDir();
    try {
      const keys = await spawnCli(SOURCE, ['keys', 'generate'], dir.path);
      expect(keys.stderr).toBe('');
      expect(keys.code).toBe(0);
      const adaptor = await startAdaptor(envKey(keys.stdout));
      try {
        const token = await spawnCli(SOURCE, ['sign', '{"collectionId":"plants"}'], dir.path);
        expect(token.code).toBe(0);
        expect(token.stdout.trim().split('.')).toHaveLength(3);

        const count = await spawnCli(
          SOURCE,
          ['call', adaptor.url, 'items/count', '{"collectionId":"plants"}'],
          dir.path,
        );
        expect(count.stderr).toBe('');
        expect(count.code).toBe(0);
        expect(JSON.parse(count.stdout)).toEqual({ totalCount: 0 });

        await spawnCli(SOURCE, ['keys', 'generate', '--force', '--alg', 'RS256'], dir.path);
        const refused = await spawnCli(
          SOURCE,
          ['call', adaptor.url, 'items/count', '{"collectionId":"plants"}'],
          dir.path,
        );
        expect(refused.code).toBe(1);
        expect(refused.stderr).toContain('The adaptor does not accept this key: check WIX_PUBLIC_KEYS');

        const usage = await spawnCli(SOURCE, ['call', adaptor.url, 'items/count', '{oops'], dir.path);
        expect(usage.code).toBe(2);
      } finally {
        await adaptor.close();
      }
    } finally {
      await dir.remove();
    }
  });

  // `npm test` runs this package's tests after its build (turbo.json `@adaptors/cli#test`), so this
  // runs there; without it turbo started them side by side and a fresh clone could skip it.
  it.skipIf(!existsSync(distCli))('dist/cli.js (after the build): help and keys generate', async () => {
    const dir = await tempDir();
    try {
      const help = await spawnCli([distCli], ['--help'], dir.path);
      expect(help.code).toBe(0);
      expect(help.stdout).toContain('Usage: adaptors <command>');
      const keys = await spawnCli([distCli], ['keys', 'generate'], dir.path);
      expect(keys.code).toBe(0);
      expect(envKey(keys.stdout)).toHaveLength(124);
    } finally {
      await dir.remove();
    }
  });
});
