/**
 * `adaptors call`: signs a request like Wix and POSTs the token as the raw
 * body to <baseUrl>/v3/<endpoint> (docs/protocol.md §1, §2.1), then prints the JSON
 * answer. Non-2xx → exit 1 with the SPI error (§12.2: errorCode/errorMessage,
 * or Wix's reference adaptor's data.description) on stderr.
 */
import { ENDPOINTS } from '@adaptors/core';
import { expectPositionals, parse } from '../args.ts';
import type { Command } from '../cli.ts';
import { isSuccess, parseHttpUrl, send } from '../http.ts';
import { isPlainObject, parsePositiveInteger, readJsonObjectArgument } from '../input.ts';
import { CommandError, EXIT, note, printJson, UsageError } from '../output.ts';
import {
  isSiteRefusal,
  KEY_REFUSED_HINT,
  prepareSigner,
  SIGNING_HELP,
  SITE_REFUSED_HINT,
  signedCallOptions,
} from '../signing.ts';
import { callLegacy, normaliseLegacyPath } from './call-legacy.ts';

const HELP = `Usage: adaptors call [options] <baseUrl> <endpoint> <request JSON | @file | ->

Signs the request as Wix does, POSTs the token as the raw body to
<baseUrl>/v3/<endpoint>, and prints the JSON answer. <endpoint> is written
like items/query or /v3/items/query. Exit 1 when the adaptor answers non-2xx
(its errorCode and errorMessage go to stderr, its body to stdout).

Endpoints: ${ENDPOINTS.join(', ')}

Options:
${SIGNING_HELP}
  --timeout SECONDS  Give up after this long (default 30)
  --json             Print { url, status, body } (the answer with its HTTP status)

Legacy protocol (STANDALONE connections; the adaptor needs LEGACY_SECRET_KEYS):
  --legacy           POST <baseUrl><path> with the JSON request plus a requestContext
                     instead of a signed v3 call; <endpoint> is a legacy path
                     (/data/find, /schemas/list, …)
  --secret-key KEY   The connection's configuration.secretKey (default: the first
                     key of $LEGACY_SECRET_KEYS)
  --role ROLE        requestContext.role: OWNER (default), BACKEND_CODE, MEMBER, VISITOR
  --instance-id ID   requestContext.instanceId: the site, for an adaptor that sets
                     WIX_INSTANCE_IDS (default: none)

Examples:
  adaptors call http://127.0.0.1:8080 items/query '{"collectionId":"plants","query":{"filter":{}}}'
  adaptors call https://garden-abc-ew.a.run.app /v3/collections/get '{"collectionIds":[]}'
  echo '{"collectionId":"plants"}' | adaptors call http://127.0.0.1:8080 items/count -
  adaptors call --legacy --secret-key "$KEY" http://127.0.0.1:8080 /data/find '{"collectionName":"plants"}'
`;

export const callCommand: Command = {
  help: HELP,
  async run(args, io) {
    const { values, positionals } = parse(args, {
      ...signedCallOptions,
      legacy: { type: 'boolean' },
      'secret-key': { type: 'string' },
      role: { type: 'string' },
      'instance-id': { type: 'string' },
    });
    if (values.help) {
      io.stdout(HELP);
      return EXIT.ok;
    }
    const [base, endpointArg, input] = expectPositionals(positionals, [
      'baseUrl',
      'endpoint',
      'request JSON | @file | -',
    ]);
    let baseUrl: URL;
    try {
      baseUrl = parseHttpUrl(base!, 'baseUrl');
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
    const timeout = values.timeout === undefined ? undefined : parsePositiveInteger(values.timeout, '--timeout');
    if (values.legacy) {
      const path = normaliseLegacyPath(endpointArg!);
      const request = await readJsonObjectArgument(io, input!, 'request');
      return callLegacy(io, {
        baseUrl,
        path,
        request,
        secretKey: values['secret-key'],
        role: values.role,
        instanceId: values['instance-id'],
        timeout,
      });
    }
    if (values['secret-key'] !== undefined || values.role !== undefined || values['instance-id'] !== undefined) {
      // A v3 call's site is in its signed metadata: --metadata '{"instanceId":"…"}'.
      throw new UsageError(
        '--secret-key, --role and --instance-id are for --legacy calls (a v3 call: --metadata \'{"instanceId":"…"}\')',
      );
    }
    const endpoint = normaliseEndpoint(endpointArg!);
    const request = await readJsonObjectArgument(io, input!, 'request');
    const { sign } = await prepareSigner(io, values);
    // Keep a path prefix of the base URL: the adaptor routes on the path suffix (docs/protocol.md §1.1).
    const url = `${baseUrl.href.replace(/\/+$/, '')}/v3/${endpoint}`;
    const result = await send(
      io.fetch,
      url,
      // Wix's reference adaptor's tests send text/plain; the adaptor reads the raw body whatever the type (docs/protocol.md §2.1).
      { method: 'POST', headers: { 'content-type': 'text/plain' }, body: await sign(request) },
      timeout,
    );
    if (result.json === undefined) {
      const excerpt = result.text.trim().slice(0, 300);
      throw new CommandError(
        `${url} answered HTTP ${result.status} with ${excerpt === '' ? 'an empty body' : `a non-JSON body: ${excerpt}`}; is this the adaptor's base URL?`,
      );
    }
    // --json: the status with the answer, for scripts that branch on it.
    printJson(io, values.json ? { url, status: result.status, body: result.json } : result.json);
    if (isSuccess(result.status)) return EXIT.ok;
    note(io, describeSpiError(result.status, result.json));
    if (result.status === 401) {
      note(io, KEY_REFUSED_HINT);
    }
    if (isPlainObject(result.json) && isSiteRefusal(result.status, result.json.errorMessage)) {
      note(io, SITE_REFUSED_HINT);
    }
    return EXIT.failed;
  },
};

function normaliseEndpoint(value: string): string {
  const endpoint = value.replace(/^\/+/, '').replace(/^v3\//, '').replace(/\/+$/, '');
  if (!(ENDPOINTS as readonly string[]).includes(endpoint)) {
    throw new UsageError(`unknown endpoint "${value}"; one of: ${ENDPOINTS.join(', ')}`);
  }
  return endpoint;
}

/** The superset error body (docs/protocol.md §12.2): errorCode/errorMessage, applicationError, or data.description. */
export function describeSpiError(status: number, body: unknown): string {
  if (!isPlainObject(body)) return `HTTP ${status}`;
  const app = isPlainObject(body.applicationError) ? body.applicationError : {};
  const data = isPlainObject(body.data) ? body.data : {};
  const code = stringOf(body.errorCode) ?? stringOf(app.code);
  const message = stringOf(body.errorMessage) ?? stringOf(app.description) ?? stringOf(data.description);
  return `HTTP ${status}${code ? ` ${code}` : ''}${message ? `: ${message}` : ''}`;
}

function stringOf(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
