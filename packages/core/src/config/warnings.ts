/**
 * Settings that load but probably do not do what the site owner meant. Each is a
 * warning, never a problem: the configuration still loads, `config check` still
 * exits 0, and the service logs each warning once at start (server/start.ts).
 *
 * - A name that looks like one of the service's settings but is not one
 *   (`LEGACY_SECRET_KEY`, `SPANER_PROJECT`) is ignored like any other variable,
 *   so the setting it was meant for silently keeps its default (legacy mode stays
 *   off). Only names that resemble a setting are considered: a few edits from a
 *   setting's name, or in the family of a setting's prefix (SPANNER_, WIX_, …)
 *   and close to one of its names, or a name of Wix's reference adaptor
 *   (wix/velo-external-db, docs/protocol.md's "Wix's reference adaptor"), which
 *   site owners moving a site from it (docs/legacy.md) carry over. Anything else
 *   in the environment (PATH, HOME, K_SERVICE, …) is not ours to judge.
 * - A Secret Manager reference without a version (`sm://P/S`), or with `latest`
 *   (`sm://P/S/latest`, `…/versions/latest`), reads the latest version at every
 *   start, where the services' DEPLOY.md "Settings" asks for a pinned one: a new
 *   version, or a disabled one, changes the service at its next start without a
 *   deployment.
 *
 * Messages name variables and references only, never a value.
 */

import { parseSecretReference } from './secrets.ts';
import type { SettingSpecs } from './settings.ts';

export interface ConfigWarning {
  /** The variable the warning is about (as found in the environment). */
  readonly name: string;
  /** A full sentence: what is wrong and what to do. */
  readonly message: string;
}

/**
 * Names read outside the settings, by our code, the Google client libraries or the
 * CLI, that share a settings prefix or resemble a setting: never warned about.
 */
const READ_ELSEWHERE = new Set([
  'FIRESTORE_EMULATOR_HOST', // the Firestore client (services/firestore/src/open-storage.ts)
  'SPANNER_DISABLE_BUILTIN_METRICS', // the Spanner client
  'GIT_COMMIT', // the release build (server/start.ts)
  'GOOGLE_APPLICATION_CREDENTIALS', // google-auth-library
  'GCLOUD_PROJECT', // google-auth-library
  'GOOGLE_CLOUD_QUOTA_PROJECT', // google-auth-library
  'WIX_API_KEY', // the CLI's connect (packages/cli/README.md)
  'WIX_SITE_ID',
  'WIX_API_BASE',
]);

/** Prefixes that mark a variable as meant for these services (the first word of a setting's name). */
const FAMILIES = ['SPANNER', 'FIRESTORE', 'BIGQUERY', 'WIX', 'LEGACY', 'STATUS', 'CURSOR', 'SCHEMA'];

/**
 * Names of Wix's reference adaptor (velo-external-db's configuration readers for
 * Google Cloud) and what takes their place here. `setting` is a pattern over this
 * service's setting names; the first that matches is named.
 */
const REFERENCE_ADAPTOR: Readonly<Record<string, { setting?: RegExp; meant: string; otherwise?: string }>> = {
  SECRET_KEY: {
    setting: /^LEGACY_SECRET_KEYS$/,
    meant:
      "the legacy connection's secretKey goes in LEGACY_SECRET_KEYS (docs/legacy.md); until it is set, legacy mode stays off",
  },
  PERMISSIONS: {
    setting: /^ACCESS_POLICY$/,
    meant:
      'access rules per collection go in ACCESS_POLICY, a JSON policy of its own form (packages/core/src/auth/README.md)',
  },
  PROJECT_ID: {
    setting: /^(?!GOOGLE_CLOUD_)[A-Z]+_PROJECT$/,
    meant: "the database's Google Cloud project goes in SETTING",
  },
  INSTANCE_ID: {
    setting: /^[A-Z]+_INSTANCE$/,
    meant: 'the Spanner instance goes in SETTING',
    otherwise: 'this database has no instance to name; remove it',
  },
  DATABASE_ID: {
    setting: /^[A-Z]+_(DATABASE|DATASET)$/,
    meant: 'the database goes in SETTING',
  },
  TYPE: { meant: 'each service here serves one database (services/<db>), so there is nothing to choose; remove it' },
  CLOUD_VENDOR: { meant: 'these services run on Google Cloud only; remove it' },
  HIDE_APP_INFO: {
    setting: /^STATUS_TOKEN$/,
    meant: 'the status page shows no configuration publicly, and its details need SETTING (docs/protocol.md §8)',
  },
};

export function configWarnings(
  specs: SettingSpecs,
  env: Readonly<Record<string, string | undefined>>,
): ConfigWarning[] {
  return [...nameWarnings(specs, env), ...unpinnedReferences(specs, env)];
}

function nameWarnings(specs: SettingSpecs, env: Readonly<Record<string, string | undefined>>): ConfigWarning[] {
  const known = Object.values(specs).map((spec) => spec.name);
  const knownSet = new Set(known);
  const warnings: ConfigWarning[] = [];
  for (const name of Object.keys(env).sort()) {
    // An empty variable counts as unset (inspect.ts): it does nothing under any name.
    if (knownSet.has(name) || READ_ELSEWHERE.has(name) || !env[name]?.trim()) continue;
    const upper = name.toUpperCase();
    if (knownSet.has(upper)) {
      warnings.push({ name, message: ignored(name, `names are case-sensitive: rename it to ${upper}`) });
      continue;
    }
    const reference = REFERENCE_ADAPTOR[upper];
    if (reference) {
      const target = reference.setting ? known.find((k) => reference.setting?.test(k)) : undefined;
      const advice = target
        ? reference.meant.replace('SETTING', target)
        : reference.setting
          ? (reference.otherwise ?? 'this service has no such setting; remove it')
          : reference.meant;
      warnings.push({
        name,
        message: `${name} is a setting of Wix's velo-external-db adaptor, not of this service, so it is ignored: ${advice}.`,
      });
      continue;
    }
    const meant = likelyMeant(upper, known);
    if (meant) warnings.push({ name, message: ignored(name, `did you mean ${meant}? Rename it to ${meant}`) });
  }
  return warnings;
}

function ignored(name: string, advice: string): string {
  return `${name} is not a setting of this service, so it is ignored: ${advice}.`;
}

/** The setting `name` was probably meant to be, or undefined when it does not resemble one. */
function likelyMeant(name: string, known: readonly string[]): string | undefined {
  // A couple of typing slips in a long name; one in a short one (HOST is two edits from HOME).
  if (name.length >= 4) {
    let best: { name: string; distance: number } | undefined;
    for (const candidate of known) {
      const distance = editDistance(name, candidate, candidate.length >= 8 ? 2 : 1);
      if (distance <= (candidate.length >= 8 ? 2 : 1) && (!best || distance < best.distance)) {
        best = { name: candidate, distance };
      }
    }
    if (best) return best.name;
  }
  // In a family of ours (SPANNER_…): a closer miss in proportion to the name, or a setting's
  // name with a word added or dropped (SPANNER_INSTANCE_ID, BIGQUERY_DATASET_NAME).
  const family = FAMILIES.find((prefix) => name.startsWith(`${prefix}_`));
  if (!family) return undefined;
  const relatives = known.filter((k) => k.startsWith(`${family}_`));
  const extended = relatives.find((k) => name.startsWith(`${k}_`) || k.startsWith(`${name}_`));
  if (extended) return extended;
  const near = relatives
    .map((k) => {
      const most = Math.max(2, Math.floor(k.length / 5));
      return { name: k, distance: editDistance(name, k, most), most };
    })
    .filter((c) => c.distance <= c.most)
    .sort((a, b) => a.distance - b.distance)[0];
  return near?.name;
}

/**
 * Optimal string alignment distance (insertions, deletions, substitutions, swaps of neighbours),
 * or `most + 1` as soon as it is certain to exceed `most`: only the band of the table within
 * `most` of its diagonal is computed. This runs for every environment variable at every start
 * (a full table per pair cost ~15 ms of a cold start).
 */
export function editDistance(a: string, b: string, most = Math.max(a.length, b.length)): number {
  if (Math.abs(a.length - b.length) > most) return most + 1;
  const cols = b.length + 1;
  const far = most + 1;
  // Three rows of the table (the swap looks two rows back); cells outside the band hold `far`.
  let before = new Int32Array(cols).fill(far);
  let above = Int32Array.from({ length: cols }, (_, j) => (j <= most ? j : far));
  let row = new Int32Array(cols);
  for (let i = 1; i <= a.length; i++) {
    row.fill(far);
    if (i <= most) row[0] = i;
    let rowMin = row[0] as number;
    const from = Math.max(1, i - most);
    const to = Math.min(b.length, i + most);
    for (let j = from; j <= to; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      let value = Math.min((above[j] as number) + 1, (row[j - 1] as number) + 1, (above[j - 1] as number) + cost);
      if (
        i > 1 &&
        j > 1 &&
        a.charCodeAt(i - 1) === b.charCodeAt(j - 2) &&
        a.charCodeAt(i - 2) === b.charCodeAt(j - 1)
      ) {
        value = Math.min(value, (before[j - 2] as number) + 1);
      }
      row[j] = Math.min(value, far);
      if (value < rowMin) rowMin = value;
    }
    if (rowMin > most) return far;
    [before, above, row] = [above, row, before];
  }
  return Math.min(above[b.length] as number, far);
}

function unpinnedReferences(specs: SettingSpecs, env: Readonly<Record<string, string | undefined>>): ConfigWarning[] {
  const warnings: ConfigWarning[] = [];
  for (const spec of Object.values(specs)) {
    const raw = env[spec.name]?.trim() ?? '';
    const reference = raw === '' ? undefined : parseSecretReference(raw);
    if (reference?.version !== 'latest') continue;
    const pinned = raw.startsWith('sm://')
      ? `sm://${reference.project}/${reference.secret}/VERSION`
      : `projects/${reference.project}/secrets/${reference.secret}/versions/VERSION`;
    const names = reference.versionGiven ? 'names the version latest' : 'names no version';
    warnings.push({
      name: spec.name,
      message:
        `${spec.name}: ${raw} ${names}, so the service reads the secret's latest version at every start: ` +
        'a new version, or a disabled one, changes the service at its next start without a deployment. ' +
        `Pin a version: ${pinned} (the versions: gcloud secrets versions list ${reference.secret} --project ${reference.project}).`,
    });
  }
  return warnings;
}
