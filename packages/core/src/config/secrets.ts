/**
 * Secret Manager references in setting values. Two forms are recognised:
 *
 *   sm://PROJECT/SECRET[/VERSION]                 (short form)
 *   projects/PROJECT/secrets/SECRET[/versions/VERSION]   (resource name, as gcloud prints it)
 *
 * VERSION is a version number, or `latest` (also what a reference without one
 * reads; warnings.ts warns about both). A value that starts like a reference
 * (`sm:`, `projects/P/secrets`) but does not parse is refused, with what is wrong
 * (referenceMistake): used as the setting's literal value, a typo would make the
 * reference text itself the secret. Anything else is a plain value. On Cloud Run,
 * mounting the secret as an env var (`--set-secrets`) is the simpler alternative;
 * references are for setups that cannot do that.
 */

import type { SecretManagerServiceClient } from '@google-cloud/secret-manager';

export interface SecretReference {
  readonly project: string;
  readonly secret: string;
  readonly version: string;
  /** Whether the reference names its version; without one it reads `latest` (warnings.ts warns). */
  readonly versionGiven: boolean;
  /** `projects/P/secrets/S/versions/V`, what accessSecretVersion takes. */
  readonly resourceName: string;
}

const PROJECT = '[a-z0-9][a-z0-9.:-]{0,62}';
const SECRET = '[A-Za-z0-9_-]{1,255}';
const VERSION = 'latest|[1-9][0-9]{0,9}';
const SHORT_FORM = new RegExp(`^sm://(${PROJECT})/(${SECRET})(?:/(${VERSION}))?$`);
const RESOURCE_FORM = new RegExp(`^projects/(${PROJECT})/secrets/(${SECRET})(?:/versions/(${VERSION}))?$`);

const ROLE = 'roles/secretmanager.secretAccessor';

export function parseSecretReference(value: string): SecretReference | undefined {
  const text = value.trim();
  // Each form has a fixed start: a value without it (a port, a name, a key) is told apart
  // without running the patterns, whose first use compiled them (~0.3 ms of every start).
  if (!text.startsWith('sm://') && !text.startsWith('projects/')) return undefined;
  const match = SHORT_FORM.exec(text) ?? RESOURCE_FORM.exec(text);
  if (!match) return undefined;
  const [, project, secret, given] = match as unknown as [string, string, string, string | undefined];
  const version = given ?? 'latest';
  return {
    project,
    secret,
    version,
    versionGiven: given !== undefined,
    resourceName: `projects/${project}/secrets/${secret}/versions/${version}`,
  };
}

export function isSecretReference(value: string): boolean {
  return parseSecretReference(value) !== undefined;
}

/** The two forms, with an example, for messages about a reference that does not parse. */
export const REFERENCE_FORMS =
  'sm://PROJECT/SECRET/VERSION or projects/PROJECT/secrets/SECRET/versions/VERSION, e.g. sm://my-project/my-secret/1 ' +
  '(PROJECT: a project id, lowercase letters, digits and hyphens; SECRET: letters, digits, _ and -; VERSION: a version number)';

/**
 * What is wrong with a value that starts like a Secret Manager reference (`sm:`, or
 * `projects/P/secrets`) but is not one; undefined for a reference and for any other value.
 * The reason names the part at fault, never its text (the value may be a secret).
 */
export function referenceMistake(value: string): string | undefined {
  const text = value.trim();
  // Both patterns below start with s or p (either case): any other value is no reference,
  // decided without compiling them (~0.3 ms of every start, where every set value is looked at).
  const first = text.charAt(0);
  if (first !== 's' && first !== 'S' && first !== 'p' && first !== 'P') return undefined;
  const short = /^sm:/i.test(text);
  if (!short && !/^projects\/[^/\s]*\/secrets?(?:\/|$)/i.test(text)) return undefined;
  if (parseSecretReference(text)) return undefined;
  if (/\s/.test(text)) return 'it contains a space';
  if (text.endsWith('/')) return 'it ends with /';
  let parts: string[];
  if (short) {
    if (!text.startsWith('sm://')) return 'it does not start with sm:// (lowercase, two slashes)';
    parts = text.slice('sm://'.length).split('/');
    if (parts.length > 3) return 'it has more parts than PROJECT/SECRET/VERSION';
  } else {
    const [, project = '', secrets, secret = '', versions, version, ...more] = text.split('/');
    if (secrets !== 'secrets') return 'it says secret, not secrets, after the project';
    if (more.length > 0 || (versions !== undefined && versions !== 'versions')) {
      return 'it has more parts than projects/PROJECT/secrets/SECRET/versions/VERSION';
    }
    if (versions !== undefined && version === undefined) return 'it names no version after versions/';
    parts = version === undefined ? [project, secret] : [project, secret, version];
  }
  const [project = '', secret, version] = parts;
  if (!new RegExp(`^(?:${PROJECT})$`).test(project)) {
    return 'its PROJECT is not a project id (lowercase letters, digits and hyphens)';
  }
  if (secret === undefined || secret === '') return 'it names no SECRET';
  if (!new RegExp(`^(?:${SECRET})$`).test(secret)) return 'its SECRET may hold only letters, digits, _ and -';
  if (version !== undefined && !new RegExp(`^(?:${VERSION})$`).test(version)) {
    return 'its VERSION is not a version number (1, 2, …)';
  }
  return 'it is not in either form';
}

/**
 * A resolver backed by Secret Manager. The client library is imported on the
 * first call only (it costs ~250 ms of cold start, docs/engines.md §5), and one
 * client is reused. Errors name the reference and the IAM role, never a value.
 */
export function secretManagerResolver(): (ref: string) => Promise<string> {
  let client: Promise<SecretManagerServiceClient> | undefined;
  const getClient = (): Promise<SecretManagerServiceClient> => {
    client ??= import('@google-cloud/secret-manager').then(
      async (module) => {
        const created = new module.SecretManagerServiceClient();
        // Credentials first: without them the client's first call fails deep inside
        // google-gax (and its stub creation rejects again in the background), and
        // the message would blame the IAM role instead of the missing login.
        await withoutMetadataWarnings(() => checkCredentials(created));
        return created;
      },
      (err: unknown) => {
        client = undefined;
        throw new Error(`the @google-cloud/secret-manager package could not be loaded (${(err as Error).message})`);
      },
    );
    return client;
  };

  return async (ref) => {
    const parsed = parseSecretReference(ref);
    if (!parsed) {
      throw new Error(`"${ref}" is not a Secret Manager reference (use sm://PROJECT/SECRET[/VERSION])`);
    }
    let data: Uint8Array | string | null | undefined;
    const secretClient = await getClient();
    try {
      const [response] = await secretClient.accessSecretVersion({ name: parsed.resourceName });
      data = response.payload?.data;
    } catch (err) {
      throw new Error(`could not read secret ${parsed.resourceName}: ${explain(err, parsed)}`);
    }
    if (data === undefined || data === null) {
      throw new Error(`secret ${parsed.resourceName} has no payload`);
    }
    return typeof data === 'string' ? data : Buffer.from(data).toString('utf8');
  };
}

/**
 * Off Google Cloud, google-auth-library probes the metadata server and, on an answer it did not
 * expect, prints a MetadataLookupWarning: the missing credentials a second time, unexplained,
 * next to the problem checkCredentials explains (`config check` showed both; the CLI's Secret
 * Manager calls too, packages/cli/src/secret-manager.ts). Only that warning type is dropped, and
 * only while `work` runs.
 */
export async function withoutMetadataWarnings<T>(work: () => Promise<T>): Promise<T> {
  const emit = process.emitWarning;
  process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
    const [options] = rest;
    const type = typeof options === 'string' ? options : (options as { type?: string } | undefined)?.type;
    if (type === 'MetadataLookupWarning') return;
    (emit as (...args: unknown[]) => void).call(process, warning, ...rest);
  }) as typeof process.emitWarning;
  try {
    return await work();
  } finally {
    process.emitWarning = emit;
  }
}

/** Throws a message a person can act on when no Google credentials can be found. */
async function checkCredentials(client: SecretManagerServiceClient): Promise<void> {
  try {
    await client.auth.getClient();
  } catch (err) {
    // The first sentence of the library's message: up to a full stop that ends one, so a file
    // name (…/key.json) is not cut at its dot.
    const detail = ((err as Error | null)?.message ?? String(err)).split(/\.(?:\s|$)/)[0];
    throw new Error(
      `no Google credentials to read Secret Manager with (${detail}). On Cloud Run the service account provides them; ` +
        'locally run `gcloud auth application-default login` or set GOOGLE_APPLICATION_CREDENTIALS to a key file, ' +
        `then make sure that identity has ${ROLE} on the secret`,
    );
  }
}

/** gRPC status codes worth a specific hint. */
function explain(err: unknown, ref: SecretReference): string {
  const code = (err as { code?: unknown } | null)?.code;
  const detail = ((err as Error | null)?.message ?? String(err)).slice(0, 200);
  switch (code) {
    case 7: // PERMISSION_DENIED
      return `permission denied; grant the service's account ${ROLE} on secret ${ref.secret} in project ${ref.project}`;
    case 5: // NOT_FOUND
      return `no such secret or version in project ${ref.project}; check the name, and that the service account has ${ROLE}`;
    case 16: // UNAUTHENTICATED
      return `no valid Google credentials; on Cloud Run the service account needs ${ROLE}, locally run gcloud auth application-default login`;
    default:
      return `${detail}; the service account needs ${ROLE} on the secret`;
  }
}
