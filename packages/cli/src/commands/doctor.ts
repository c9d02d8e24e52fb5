/**
 * `adaptors doctor <baseUrl>`: what a site owner checks first when Wix says
 * the connection fails — does the service answer, which release, does its
 * database answer, is it ready, and does a signed round trip work end to end
 * with this key. The round trip is the core's self-test
 * (packages/core/src/self-test.ts, the same steps as the status page's
 * button) sent as signed calls, like `adaptors call`.
 */
import { runSelfTest, type SelfTestCall, type SelfTestReport } from '@adaptors/core';
import { expectPositionals, parse } from '../args.ts';
import type { Command } from '../cli.ts';
import { type HttpResult, parseHttpUrl, send } from '../http.ts';
import { isPlainObject, parsePositiveInteger } from '../input.ts';
import { CommandError, EXIT, type Io, line, note, printJson, UsageError } from '../output.ts';
import {
  isSiteRefusal,
  KEY_REFUSED_HINT,
  prepareSigner,
  SIGNING_HELP,
  SITE_REFUSED_HINT,
  signedCallOptions,
} from '../signing.ts';

const HELP = `Usage: adaptors doctor [options] <baseUrl>

Checks an adaptor the way Wix reaches it: its status summary (release,
database), /readyz, then a signed round trip on a throwaway collection —
collections/create, items/insert, items/query, items/update, items/remove,
collections/delete — each step with its HTTP status and time. The collection
is deleted whatever failed. A service that takes no schema changes gets a
read-only check instead (collections/get and one item). Exit 1 when a step
fails or the service is not ready.

Options:
${SIGNING_HELP}
  --timeout SECONDS  Give up on one call after this long (default 30)
  --json             Print { url, status, ready, selfTest } as JSON

Examples:
  adaptors doctor http://127.0.0.1:8080
  adaptors doctor --key prod-wix-private.pem https://garden-abc-ew.a.run.app
`;

interface Summary {
  readonly engine?: string;
  readonly version?: string;
  readonly commit?: string;
  readonly database?: { readonly reachable?: boolean; readonly error?: string };
}

export const doctorCommand: Command = {
  help: HELP,
  async run(args, io) {
    const { values, positionals } = parse(args, signedCallOptions);
    if (values.help) {
      io.stdout(HELP);
      return EXIT.ok;
    }
    const [base] = expectPositionals(positionals, ['baseUrl']);
    let baseUrl: string;
    try {
      baseUrl = parseHttpUrl(base!, 'baseUrl').href.replace(/\/+$/, '');
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
    // The v3 endpoints are routed on their path's ending (packages/core/src/server/routes.ts), so
    // <root>/v3/v3/… still answers and the self-test passes, while /status.json and /readyz live at
    // the root only and answer 404: say which URL to use (Wix's endpoint is the root too,
    // docs/connections.md §6, as connect --endpoint insists).
    const hint = v3PathHint(baseUrl);
    const timeout = values.timeout === undefined ? undefined : parsePositiveInteger(values.timeout, '--timeout');
    const { sign } = await prepareSigner(io, values);

    const status = await send(io.fetch, `${baseUrl}/status.json`, { method: 'GET', headers: {} }, timeout);
    const summary = summaryOf(status);
    const ready = await send(io.fetch, `${baseUrl}/readyz`, { method: 'GET', headers: {} }, timeout);
    const call: SelfTestCall = async (endpoint, request) => {
      const answer = await send(
        io.fetch,
        `${baseUrl}/v3/${endpoint}`,
        { method: 'POST', headers: { 'content-type': 'text/plain' }, body: await sign(request) },
        timeout,
      );
      return { status: answer.status, body: answer.json ?? { nonJsonBody: answer.text.trim().slice(0, 300) } };
    };
    // `send` throws a CommandError naming the URL when nothing answers; the report keeps it as a failed step.
    const selfTest = await runSelfTest(call);
    const isReady = ready.status === 200;

    if (values.json) {
      printJson(io, {
        url: baseUrl,
        ...(hint ? { hint: hint.message } : {}),
        status: summary ?? null,
        ready: { status: ready.status, body: ready.json ?? null },
        selfTest,
      });
    } else {
      printReport(io, baseUrl, status, ready, selfTest, hint !== undefined);
    }
    if (hint) note(io, `adaptors doctor: ${hint.message}: adaptors doctor ${hint.root}`);
    if (selfTest.steps.some((step) => step.status === 401)) {
      note(io, KEY_REFUSED_HINT);
    }
    if (selfTest.steps.some((step) => isSiteRefusal(step.status, step.message))) {
      note(io, SITE_REFUSED_HINT);
    }
    if (summary === undefined && selfTest.steps.every((step) => step.status === 404 || step.status === 0)) {
      throw new CommandError(`${baseUrl} does not look like an adaptor (no /status.json, no /v3 endpoints)`);
    }
    return selfTest.ok && isReady ? EXIT.ok : EXIT.failed;
  },
};

const USE_ROOT = "use the service's root URL (without /v3)";

/** A base URL whose path ends in /v3: what to say, and the root URL to use instead. */
function v3PathHint(baseUrl: string): { message: string; root: string } | undefined {
  const url = new URL(baseUrl);
  const path = url.pathname.replace(/\/+$/, '');
  if (!/\/v3$/i.test(path)) return undefined;
  url.pathname = path.slice(0, -'/v3'.length) || '/';
  return {
    message: `${baseUrl} is not the service's root URL: ${USE_ROOT}, as the Wix connection's endpoint does`,
    root: url.href.replace(/\/+$/, ''),
  };
}

function summaryOf(result: HttpResult): Summary | undefined {
  return result.status === 200 && isPlainObject(result.json) ? (result.json as Summary) : undefined;
}

function printReport(
  io: Io,
  url: string,
  status: HttpResult,
  ready: HttpResult,
  report: SelfTestReport,
  underV3: boolean,
): void {
  const summary = summaryOf(status);
  if (summary) {
    const release = `${summary.version ?? 'unknown release'}${summary.commit ? ` (commit ${summary.commit})` : ''}`;
    line(io, `service   ${url} · ${summary.engine ?? 'unknown engine'} ${release}`);
    const db = summary.database;
    line(io, `database  ${db?.reachable ? 'reachable' : `not reachable${db?.error ? `: ${db.error}` : ''}`}`);
  } else {
    line(io, `service   ${url} · no status summary (GET /status.json answered HTTP ${status.status})`);
  }
  const reason =
    underV3 && ready.status === 404
      ? `: /readyz is at the service's root URL; ${USE_ROOT}`
      : isPlainObject(ready.json) && typeof ready.json.reason === 'string'
        ? `: ${ready.json.reason}`
        : '';
  line(io, `ready     ${ready.status === 200 ? 'yes' : `no (HTTP ${ready.status}${reason})`}`);
  const what =
    report.mode === 'round-trip'
      ? `signed round trip on ${report.collectionId ?? 'a throwaway collection'}`
      : `read-only check${report.collectionId ? ` on ${report.collectionId}` : ''} (the service takes no schema changes)`;
  line(io, `self-test ${report.ok ? 'passed' : 'FAILED'}: ${what}`);
  const width = Math.max(...report.steps.map((step) => step.step.length));
  for (const step of report.steps) {
    const outcome = step.status === 0 ? 'no answer' : `HTTP ${step.status}`;
    line(
      io,
      `  ${step.ok ? 'ok    ' : 'FAILED'} ${step.step.padEnd(width)}  ${step.endpoint.padEnd(18)}  ${outcome.padEnd(9)} ${step.ms} ms${
        step.message ? `\n         ${step.message}` : ''
      }`,
    );
  }
}
