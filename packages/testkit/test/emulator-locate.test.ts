/**
 * Where the launchers look for the official emulators (src/emulators/locate.ts),
 * on SDK layouts made in a temporary folder, plus the real Google Cloud SDK of
 * this machine when it has one; and `npm start` using an emulator already
 * named by SPANNER_EMULATOR_HOST instead of starting one (src/bin/local-engines.ts).
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localEngines } from '../src/bin/local-engines.ts';
import { EMULATOR_IN_SDK, gcloudOnPathRoot, gcloudSdkRoot, locateEmulator } from '../src/emulators/locate.ts';
import { freePort } from '../src/free-port.ts';

let scratch: string;
beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'emulator-locate-'));
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** An SDK root with the given emulators (and bin/gcloud) installed. */
function sdk(name: string, kinds: readonly ('spanner' | 'firestore')[]): string {
  const root = join(scratch, name);
  for (const kind of kinds) {
    const path = join(root, EMULATOR_IN_SDK[kind]);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, '#!/bin/sh\n');
  }
  mkdirSync(join(root, 'bin'), { recursive: true });
  writeFileSync(join(root, 'bin', 'gcloud'), `#!/bin/sh\necho "${root}"\n`);
  chmodSync(join(root, 'bin', 'gcloud'), 0o755);
  return root;
}

const noGcloud = () => undefined;
const none: readonly string[] = [];

describe('locateEmulator', () => {
  it('a path given by option or by SPANNER_EMULATOR_BIN wins, and a missing one is reported as such', () => {
    const root = sdk('explicit', ['spanner']);
    const binary = join(root, EMULATOR_IN_SDK.spanner);
    const other = sdk('other', ['spanner']);
    const env = { CLOUDSDK_ROOT_DIR: other };
    expect(locateEmulator('spanner', { explicit: binary, env, commonRoots: none, gcloudRoot: noGcloud })).toBe(binary);
    expect(locateEmulator('spanner', { env: { ...env, SPANNER_EMULATOR_BIN: binary }, commonRoots: none })).toBe(
      binary,
    );
    expect(() =>
      locateEmulator('spanner', { env: { ...env, SPANNER_EMULATOR_BIN: '/nowhere/emulator_main' } }),
    ).toThrow('Spanner emulator not found at /nowhere/emulator_main (SPANNER_EMULATOR_BIN).');
  });

  it('CLOUDSDK_ROOT_DIR names the SDK', () => {
    const root = sdk('cloudsdk-root', ['spanner', 'firestore']);
    const env = { CLOUDSDK_ROOT_DIR: root, PATH: '' };
    expect(locateEmulator('firestore', { env, commonRoots: none, gcloudRoot: noGcloud })).toBe(
      join(root, 'platform/cloud-firestore-emulator/cloud_firestore_emulator'),
    );
  });

  it('the SDK of the gcloud on the PATH, through a link to <root>/bin/gcloud', () => {
    const root = sdk('on-path', ['spanner']);
    const bin = join(scratch, 'path-bin');
    mkdirSync(bin, { recursive: true });
    symlinkSync(join(root, 'bin', 'gcloud'), join(bin, 'gcloud'));
    const env = { PATH: `/nonexistent:${bin}` };
    expect(gcloudOnPathRoot(env)).toBe(root);
    expect(locateEmulator('spanner', { env, commonRoots: none, gcloudRoot: noGcloud })).toBe(
      join(root, 'bin/cloud_spanner_emulator/emulator_main'),
    );
  });

  it('a common install directory (e.g. the installer default ~/google-cloud-sdk)', () => {
    const home = sdk('home-sdk', ['spanner']);
    const env = { PATH: '' };
    expect(
      locateEmulator('spanner', { env, commonRoots: ['/nonexistent/google-cloud-sdk', home], gcloudRoot: noGcloud }),
    ).toBe(join(home, EMULATOR_IN_SDK.spanner));
  });

  it('last, `gcloud info` (a gcloud whose install is not <root>/bin)', () => {
    const root = sdk('gcloud-info', ['firestore']);
    const bin = join(scratch, 'info-bin');
    mkdirSync(bin, { recursive: true });
    // Answers only the exact command line the locator sends.
    writeFileSync(
      join(bin, 'gcloud'),
      `#!/bin/sh\n[ "$1 $2" = "info --format=value(installation.sdk_root)" ] && echo "${root}" && exit 0\nexit 2\n`,
    );
    chmodSync(join(bin, 'gcloud'), 0o755);
    const env = { PATH: `${bin}:/usr/bin:/bin` };
    expect(gcloudOnPathRoot(env)).toBeUndefined();
    expect(gcloudSdkRoot(env)).toBe(root);
    expect(locateEmulator('firestore', { env, commonRoots: none })).toBe(join(root, EMULATOR_IN_SDK.firestore));
  });

  it('nothing found: every place looked at, and how to install it', () => {
    const env = { CLOUDSDK_ROOT_DIR: '/nonexistent/sdk', PATH: '' };
    const error = (() => {
      try {
        locateEmulator('spanner', { env, commonRoots: ['/also/not/here'], gcloudRoot: noGcloud });
      } catch (caught) {
        return (caught as Error).message;
      }
      return '';
    })();
    expect(error).toContain('Spanner emulator not found. Looked at: ');
    expect(error).toContain('/nonexistent/sdk/bin/cloud_spanner_emulator/emulator_main (CLOUDSDK_ROOT_DIR)');
    expect(error).toContain('/also/not/here/bin/cloud_spanner_emulator/emulator_main (common install directory)');
    expect(error).toContain('gcloud components install cloud-spanner-emulator');
    expect(error).toContain('apt-get install google-cloud-cli-spanner-emulator');
  });

  const realGcloud = spawnSync('gcloud', ['--version'], { stdio: 'ignore' }).status === 0;
  it.skipIf(!realGcloud)('this machine: the gcloud on the PATH and `gcloud info` name the same SDK', () => {
    const root = gcloudOnPathRoot();
    expect(root).toBeDefined();
    expect(gcloudSdkRoot()).toBe(root);
    const spanner = join(root as string, EMULATOR_IN_SDK.spanner);
    if (existsSync(spanner)) {
      expect(locateEmulator('spanner', { env: { PATH: process.env.PATH } })).toBe(spanner);
    }
  });
});

describe('npm start with an emulator already named by *_EMULATOR_HOST', () => {
  let listener: Server;
  let port: number;
  beforeAll(async () => {
    // Anything accepting connections stands for the emulator: the engine must not start one.
    listener = createServer((socket) => socket.end());
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    port = (listener.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((resolve) => listener.close(() => resolve())));

  const engine = (name: string, env: Record<string, string>) => {
    const found = localEngines(env).find((e) => e.name === name);
    if (!found) throw new Error(`no engine ${name}`);
    return found;
  };

  it.each([
    ['spanner', 'SPANNER_EMULATOR_HOST'],
    ['firestore', 'FIRESTORE_EMULATOR_HOST'],
  ])('%s: uses %s and starts nothing', async (name, setting) => {
    const host = `127.0.0.1:${port}`;
    const prepared = await engine(name, { [setting]: host, PATH: '' }).prepare();
    expect(prepared.env[setting]).toBe(host);
    expect(prepared.note).toBe(`the emulator at ${host} (${setting}; not started or stopped here)`);
    await prepared.stop();
    // Still answering: stop() left the given emulator alone.
    expect(listener.listening).toBe(true);
  });

  it('a named emulator that does not answer is reported, with what to do', async () => {
    const host = `127.0.0.1:${await freePort()}`;
    await expect(engine('spanner', { SPANNER_EMULATOR_HOST: host }).prepare()).rejects.toThrow(
      `SPANNER_EMULATOR_HOST=${host} names an emulator that does not answer (ECONNREFUSED); start it, or unset SPANNER_EMULATOR_HOST to let npm start run one`,
    );
  });
});
