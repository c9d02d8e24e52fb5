/**
 * `adaptors call --legacy`: a call in the legacy External Database Collections
 * protocol (packages/core/src/legacy/README.md): POST <baseUrl><path> with the
 * request JSON plus the `requestContext` Wix adds, whose settings.secretKey is
 * the connection's secret.
 */
import { LEGACY_PATHS, LEGACY_ROLES } from '@adaptors/core';
import { isSuccess, send } from '../http.ts';
import { CommandError, EXIT, type Io, note, printJson, UsageError } from '../output.ts';

export interface LegacyCallInput {
  readonly baseUrl: URL;
  readonly path: string;
  readonly request: Record<string, unknown>;
  readonly secretKey: string | undefined;
  readonly role: string | undefined;
  /** requestContext.instanceId: the site, which an adaptor with WIX_INSTANCE_IDS checks. */
  readonly instanceId: string | undefined;
  readonly timeout: number | undefined;
}

export function normaliseLegacyPath(value: string): string {
  const path = `/${value.replace(/^\/+/, '').replace(/\/+$/, '')}`;
  if (!LEGACY_PATHS.includes(path)) {
    throw new UsageError(`unknown legacy path "${value}"; one of: ${LEGACY_PATHS.join(', ')}`);
  }
  return path;
}

export async function callLegacy(io: Io, input: LegacyCallInput): Promise<number> {
  const secretKey = input.secretKey ?? io.env.LEGACY_SECRET_KEYS?.split(',')[0]?.trim();
  if (!secretKey) {
    throw new UsageError(
      "no secret: pass --secret-key (the connection's configuration.secretKey) or set LEGACY_SECRET_KEYS",
    );
  }
  const role = (input.role ?? 'OWNER').toUpperCase();
  if (!(LEGACY_ROLES as readonly string[]).includes(role)) {
    throw new UsageError(`--role must be one of ${LEGACY_ROLES.join(', ')}`);
  }
  const url = `${input.baseUrl.href.replace(/\/+$/, '')}${input.path}`;
  const requestContext = {
    settings: { secretKey },
    ...(input.instanceId === undefined ? {} : { instanceId: input.instanceId }),
    role,
  };
  const body = { ...input.request, requestContext };
  const result = await send(
    io.fetch,
    url,
    { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) },
    input.timeout,
  );
  if (result.json === undefined) {
    const excerpt = result.text.trim().slice(0, 300);
    throw new CommandError(
      `${url} answered HTTP ${result.status} with ${excerpt === '' ? 'an empty body' : `a non-JSON body: ${excerpt}`}; is this the adaptor's base URL?`,
    );
  }
  printJson(io, result.json);
  if (isSuccess(result.status)) return EXIT.ok;
  const message = (result.json as { message?: unknown }).message;
  note(io, `HTTP ${result.status}${typeof message === 'string' ? `: ${message}` : ''}`);
  if (result.status === 401) {
    note(io, "The adaptor refused the secret: --secret-key must be one of the adaptor's LEGACY_SECRET_KEYS.");
  }
  if (result.status === 403 && typeof message === 'string' && message.includes('WIX_INSTANCE_IDS')) {
    note(io, 'The adaptor serves only the sites in its WIX_INSTANCE_IDS setting: pass --instance-id <a listed id>.');
  }
  return EXIT.failed;
}
