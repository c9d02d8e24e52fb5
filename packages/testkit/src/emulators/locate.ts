/**
 * Where the official emulators are installed. They ship as components of the
 * Google Cloud SDK, which lives in different places by how it was installed:
 * Debian/Ubuntu packages (/usr/lib/google-cloud-sdk), RPM packages
 * (/usr/lib64/google-cloud-sdk), the interactive installer (~/google-cloud-sdk),
 * Homebrew, snap, a CI image's /opt. The order of the search:
 *
 * 1. the explicit path (launcher option, then SPANNER_EMULATOR_BIN /
 *    FIRESTORE_EMULATOR_BIN) — used as given, even when missing, so a typo is
 *    reported rather than silently replaced;
 * 2. the SDK root named by CLOUDSDK_ROOT_DIR;
 * 3. the SDK the `gcloud` on the PATH belongs to (<root>/bin/gcloud, links
 *    followed);
 * 4. the common install directories below;
 * 5. last, the root `gcloud info --format=value(installation.sdk_root)`
 *    reports (it takes seconds, so only when nothing else found one).
 *
 * The first candidate that exists wins; the error lists every place looked at.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, delimiter, dirname, join } from 'node:path';

export type EmulatorKind = 'spanner' | 'firestore';

/** The emulator's path inside an SDK root (the layout of the gcloud components). */
export const EMULATOR_IN_SDK: Readonly<Record<EmulatorKind, string>> = {
  spanner: 'bin/cloud_spanner_emulator/emulator_main',
  firestore: 'platform/cloud-firestore-emulator/cloud_firestore_emulator',
};

const BINARY_SETTING: Readonly<Record<EmulatorKind, string>> = {
  spanner: 'SPANNER_EMULATOR_BIN',
  firestore: 'FIRESTORE_EMULATOR_BIN',
};

const COMPONENT: Readonly<Record<EmulatorKind, { apt: string; gcloud: string }>> = {
  spanner: { apt: 'google-cloud-cli-spanner-emulator', gcloud: 'cloud-spanner-emulator' },
  firestore: { apt: 'google-cloud-cli-firestore-emulator', gcloud: 'cloud-firestore-emulator' },
};

/** Where the SDK usually is when neither CLOUDSDK_ROOT_DIR nor gcloud says. */
export function commonSdkRoots(home = homedir()): string[] {
  return [
    '/usr/lib/google-cloud-sdk', // Debian/Ubuntu packages
    '/usr/lib64/google-cloud-sdk', // RPM packages
    '/usr/share/google-cloud-sdk',
    '/opt/google-cloud-sdk', // CI images, manual installs
    join(home, 'google-cloud-sdk'), // the interactive installer's default
    '/opt/homebrew/share/google-cloud-sdk', // Homebrew on Apple silicon
    '/usr/local/share/google-cloud-sdk', // Homebrew on Intel
    '/snap/google-cloud-cli/current', // snap
    '/snap/google-cloud-sdk/current',
  ];
}

/** The SDK root of the first `gcloud` on `env.PATH` (<root>/bin/gcloud), links followed. */
export function gcloudOnPathRoot(env: Readonly<Record<string, string | undefined>> = process.env): string | undefined {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, 'gcloud');
    if (!existsSync(candidate)) continue;
    const real = realpathSync(candidate);
    return basename(dirname(real)) === 'bin' ? dirname(dirname(real)) : undefined;
  }
  return undefined;
}

/** `gcloud info`'s SDK root, or undefined when gcloud is not on the PATH or does not answer. */
export function gcloudSdkRoot(env: Readonly<Record<string, string | undefined>> = process.env): string | undefined {
  const result = spawnSync('gcloud', ['info', '--format=value(installation.sdk_root)'], {
    env,
    encoding: 'utf8',
    timeout: 15_000,
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const root = result.status === 0 ? result.stdout.trim() : '';
  return root === '' ? undefined : root;
}

export interface LocateOptions {
  /** A path given by the caller (a launcher option): wins over everything. */
  readonly explicit?: string;
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** How to ask gcloud for its SDK root; default: `gcloud info` with `env`'s PATH. */
  readonly gcloudRoot?: () => string | undefined;
  readonly commonRoots?: readonly string[];
  readonly exists?: (path: string) => boolean;
}

/** The emulator binary to run; throws an error naming every place looked at and how to install it. */
export function locateEmulator(kind: EmulatorKind, options: LocateOptions = {}): string {
  const env = options.env ?? process.env;
  const exists = options.exists ?? existsSync;
  const setting = BINARY_SETTING[kind];
  const given = options.explicit ?? env[setting];
  if (given !== undefined && given !== '') {
    if (!exists(given)) {
      throw new Error(
        `${kind === 'spanner' ? 'Spanner' : 'Firestore'} emulator not found at ${given} (${options.explicit !== undefined ? 'the path given' : setting}).`,
      );
    }
    return given;
  }
  const tried: string[] = [];
  const check = (root: string | undefined, why: string): string | undefined => {
    if (root === undefined || root === '') return undefined;
    const path = join(root, EMULATOR_IN_SDK[kind]);
    tried.push(`${path} (${why})`);
    return exists(path) ? path : undefined;
  };
  const found =
    check(env.CLOUDSDK_ROOT_DIR, 'CLOUDSDK_ROOT_DIR') ??
    check(gcloudOnPathRoot(env), 'the gcloud on the PATH') ??
    (options.commonRoots ?? commonSdkRoots()).reduce<string | undefined>(
      (hit, root) => hit ?? check(root, 'common install directory'),
      undefined,
    ) ??
    check((options.gcloudRoot ?? (() => gcloudSdkRoot(env)))(), 'gcloud info');
  if (found) return found;
  const { apt, gcloud } = COMPONENT[kind];
  throw new Error(
    `${kind === 'spanner' ? 'Spanner' : 'Firestore'} emulator not found. Looked at: ${tried.join('; ')}. ` +
      `Install it (\`gcloud components install ${gcloud}\`, or \`apt-get install ${apt}\`), ` +
      `set ${setting} to its path, or CLOUDSDK_ROOT_DIR to your Google Cloud SDK.`,
  );
}
