/** `adaptors sign`: prints a token signed as Wix signs a call (docs/protocol.md §2.2). */
import { expectPositionals, parse } from '../args.ts';
import type { Command } from '../cli.ts';
import { readJsonObjectArgument } from '../input.ts';
import { EXIT, line, printJson } from '../output.ts';
import { prepareSigner, SIGNING_HELP, signingOptions } from '../signing.ts';

const HELP = `Usage: adaptors sign [options] [--json] <request JSON | @file | ->

Prints a compact JWT signed the way Wix signs an external-database call:
iss "wix.com", iat, exp, and data: { request, metadata }. The
request is the endpoint's request object, e.g. {"collectionId":"plants"}.
POST the token as the raw body to <adaptor>/v3/<endpoint> — or use
\`adaptors call\`, which does both.

Options:
${SIGNING_HELP}
  --json             Print { "token": … } instead of the bare token

Examples:
  adaptors sign '{"collectionId":"plants","query":{"filter":{}}}'
  adaptors sign --key prod-test.pem --audience my-app-id @request.json
  TOKEN=$(adaptors sign @q.json) && curl -s -X POST http://127.0.0.1:8080/v3/items/query --data-binary "$TOKEN"
`;

export const signCommand: Command = {
  help: HELP,
  async run(args, io) {
    const { values, positionals } = parse(args, { ...signingOptions, json: { type: 'boolean' } });
    if (values.help) {
      io.stdout(HELP);
      return EXIT.ok;
    }
    const [input] = expectPositionals(positionals, ['request JSON | @file | -']);
    // data.request must be an object (docs/protocol.md §2.3 step 6); read it before the key so a typo fails first.
    const request = await readJsonObjectArgument(io, input!, 'request');
    const { sign } = await prepareSigner(io, values);
    const token = await sign(request);
    if (values.json) printJson(io, { token });
    else line(io, token);
    return EXIT.ok;
  },
};
