/**
 * `connect --write-secret`: adds the connection's public key (or a STANDALONE
 * connection's secret) as a new version of a Secret Manager secret, the one the
 * service reads WIX_PUBLIC_KEYS (or LEGACY_SECRET_KEYS) from
 * (docs/connections.md §4.2 step 3, §6). `@google-cloud/secret-manager` is loaded
 * only here, on first use: it is a dependency of @adaptors/core (which resolves
 * secret references with it), not yet of this package, so it is looked up from
 * this package first and from @adaptors/core second.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { parseSecretReference, withoutMetadataWarnings } from '@adaptors/core';
import { CommandError, type SecretWriter, UsageError } from './output.ts';

const PACKAGE = '@google-cloud/secret-manager';

interface SecretManagerClient {
  readonly auth: { getClient(): Promise<unknown> };
  addSecretVersion(request: {
    parent: string;
    payload: { data: Buffer };
  }): Promise<[{ name?: string | null }, ...unknown[]]>;
}

interface SecretManagerModule {
  SecretManagerServiceClient: new () => SecretManagerClient;
}

/** `projects/P/secrets/S` or `sm://P/S` → `projects/P/secrets/S`; a version is refused (we add one). */
export function secretParent(value: string): string {
  const ref = parseSecretReference(value);
  if (!ref || /\/versions\/|^sm:\/\/[^/]+\/[^/]+\//.test(value.trim())) {
    throw new UsageError(
      `--write-secret "${value}" must name a secret without a version: projects/PROJECT/secrets/SECRET (or sm://PROJECT/SECRET)`,
    );
  }
  return `projects/${ref.project}/secrets/${ref.secret}`;
}

export function secretManagerWriter(): SecretWriter {
  let client: Promise<SecretManagerClient> | undefined;
  return {
    async addVersion(parent, value) {
      client ??= loadModule().then((module) => new module.SecretManagerServiceClient());
      const ready = await client;
      return withoutMetadataWarnings(async () => {
        await checkCredentials(ready, parent);
        let response: { name?: string | null };
        try {
          [response] = await ready.addSecretVersion({ parent, payload: { data: Buffer.from(value, 'utf8') } });
        } catch (err) {
          throw new CommandError(`could not add a version to ${parent}: ${explain(err, parent)}`);
        }
        return response.name ?? `${parent}/versions/?`;
      });
    },
  };
}

/**
 * Credentials are looked up before the first call, as packages/core/src/config/secrets.ts
 * does: when there are none, the gax client's first call rejects the request and,
 * besides, every method stub it prepared, which Node reports as an uncaught error
 * with the library's stack. Looked up first, the failure is one error we explain.
 */
async function checkCredentials(client: SecretManagerClient, parent: string): Promise<void> {
  try {
    await client.auth.getClient();
  } catch (err) {
    throw new CommandError(`could not add a version to ${parent}: ${explain(err, parent)}`);
  }
}

async function loadModule(): Promise<SecretManagerModule> {
  const attempts: string[] = [];
  for (const from of [import.meta.url, coreUrl()]) {
    if (from === undefined) continue;
    try {
      const path = createRequire(from).resolve(PACKAGE);
      return (await import(pathToFileURL(path).href)) as SecretManagerModule;
    } catch (err) {
      attempts.push((err as Error).message.split('\n')[0] ?? '');
    }
  }
  throw new CommandError(`${PACKAGE} could not be loaded (${attempts.join('; ')}); install it next to the CLI`);
}

function coreUrl(): string | undefined {
  try {
    return import.meta.resolve('@adaptors/core');
  } catch {
    return undefined;
  }
}

/** Google's "no credentials" error has no code; its message is google-auth-library's NO_ADC_FOUND. */
const NO_CREDENTIALS = /Could not load the default credentials/;

/** gRPC status codes worth a specific hint (as core's resolver does for reading). */
function explain(err: unknown, parent: string): string {
  const code = (err as { code?: unknown } | null)?.code;
  const message = (err as Error | null)?.message ?? String(err);
  if (NO_CREDENTIALS.test(message)) {
    return (
      'no Google credentials on this machine; run `gcloud auth application-default login` ' +
      '(or set GOOGLE_APPLICATION_CREDENTIALS to a key file), or run the command where a service account ' +
      `is available (Cloud Shell, a VM or a Cloud Run job), with roles/secretmanager.secretVersionAdder on ${parent}`
    );
  }
  switch (code) {
    case 7:
      return `permission denied; your account needs roles/secretmanager.secretVersionAdder on ${parent}`;
    case 5:
      return `no such secret; create it first: gcloud secrets create ${parent.split('/').pop()} --project ${parent.split('/')[1]}`;
    case 16:
      return 'no valid Google credentials; run gcloud auth application-default login';
    default:
      return message.split('\n')[0]!.slice(0, 200);
  }
}
