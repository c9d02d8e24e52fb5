/**
 * `adaptors keys generate`: a dev key pair that signs like Wix (docs/protocol.md §2.4).
 * ES256 by default: its public key in base64 DER is 124 characters, the form a
 * connection's publicKey most likely takes (docs/connections.md §2, ≤ 128 chars),
 * so local setups use the same kind of key as production.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parse } from '../args.ts';
import type { Command } from '../cli.ts';
import { CommandError, EXIT, type Io, line, printJson, UsageError } from '../output.ts';
import { exists, shown } from '../paths.ts';
import { envLine, formsOf } from '../public-key.ts';
import { DEFAULT_KEY_DIR, PRIVATE_KEY_FILE, PUBLIC_KEY_FILE } from '../signing.ts';

const HELP = `Usage: adaptors keys generate [--alg ES256|RS256] [--out DIR] [--force] [--json]

Generates a dev key pair that signs calls the way Wix does, writes
DIR/${PRIVATE_KEY_FILE} (mode 0600) and DIR/${PUBLIC_KEY_FILE}, and prints the
public key in every form the services' WIX_PUBLIC_KEYS accepts: PEM, base64 of
PEM, and bare base64 DER (124 characters for ES256, like a connection's
publicKey). The last line printed is the env line, e.g. for \`| tail -1 >> .env\`.

When DIR already holds a key pair (the dev server creates .dev-keys/), it is
kept and its public key is printed the same way, so a script that reads the
last line gets the key either way; --force replaces the pair.

Options:
  --alg ES256|RS256  Key type: EC P-256 (default) or RSA 2048
  --out DIR          Where to write the key files (default ${DEFAULT_KEY_DIR}, which the
                     dev server and \`adaptors sign\` use too)
  --force            Replace an existing key pair with a new one
  --json             Print { generated, alg, privateKeyFile, publicKeyFile, fingerprint, publicKey, env } instead

Example:
  adaptors keys generate --out .dev-keys
  adaptors sign '{"collectionId":"plants","query":{}}'   # signs with .dev-keys/
`;

export const keysCommand: Command = {
  help: HELP,
  async run(args, io) {
    const { values, positionals } = parse(args, {
      alg: { type: 'string' },
      out: { type: 'string' },
      force: { type: 'boolean' },
      json: { type: 'boolean' },
    });
    if (values.help) {
      io.stdout(HELP);
      return EXIT.ok;
    }
    const [sub, ...extra] = positionals;
    if (sub !== 'generate') {
      throw new UsageError(sub === undefined ? 'missing subcommand: generate' : `unknown subcommand "${sub}"`);
    }
    if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
    const alg = values.alg;
    if (alg !== undefined && alg !== 'ES256' && alg !== 'RS256') {
      throw new UsageError(`--alg must be ES256 or RS256, got "${alg}"`);
    }
    await generate(io, alg, values.out ?? DEFAULT_KEY_DIR, values.force === true, values.json === true);
    return EXIT.ok;
  },
};

type Alg = 'ES256' | 'RS256';

async function generate(io: Io, wanted: Alg | undefined, out: string, force: boolean, json: boolean): Promise<void> {
  const dir = resolve(io.cwd, out);
  const privatePath = join(dir, PRIVATE_KEY_FILE);
  const publicPath = join(dir, PUBLIC_KEY_FILE);
  const kept = force ? undefined : await existingPair(io, privatePath, publicPath, wanted);
  const alg = kept?.alg ?? wanted ?? 'ES256';
  let publicKey: KeyObject;
  if (kept) {
    publicKey = kept.publicKey;
  } else {
    const pair =
      alg === 'ES256'
        ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
        : generateKeyPairSync('rsa', { modulusLength: 2048 });
    publicKey = pair.publicKey;
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await writeFile(privatePath, pair.privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    // writeFile's mode only applies to a new file: with --force, tighten an old one too.
    await chmod(privatePath, 0o600);
  }
  const forms = formsOf(publicKey);
  if (!kept?.publicFilePresent) await writeFile(publicPath, forms.pem, { mode: 0o644 });

  if (json) {
    printJson(io, {
      generated: !kept,
      alg,
      privateKeyFile: shown(io, privatePath),
      publicKeyFile: shown(io, publicPath),
      fingerprint: forms.fingerprint,
      publicKey: { pem: forms.pem, base64Pem: forms.base64Pem, base64Der: forms.base64Der },
      env: envLine(forms.base64Der),
    });
    return;
  }
  const derNote = alg === 'ES256' ? `${forms.base64Der.length} characters, the form of a connection's publicKey` : '';
  const kind = alg === 'ES256' ? 'EC P-256' : 'RSA 2048';
  line(
    io,
    kept
      ? `Kept the existing ${alg} key pair (${kind}) in ${shown(io, dir)}; pass --force to replace it with a new one.`
      : `Generated an ${alg} key pair (${kind}).`,
  );
  line(io, `  private key  ${shown(io, privatePath)}  (mode 0600: it signs like Wix, keep it private)`);
  line(io, `  public key   ${shown(io, publicPath)}`);
  line(io, `  fingerprint  ${forms.fingerprint}  (the adaptor logs "${alg} ${forms.fingerprint}" at startup)`);
  line(io);
  line(io, 'Public key as PEM:');
  io.stdout(forms.pem.endsWith('\n') ? forms.pem : `${forms.pem}\n`);
  line(io);
  line(io, 'Public key as base64 of PEM:');
  line(io, forms.base64Pem);
  line(io);
  line(io, `Public key as bare base64 DER${derNote ? ` (${derNote})` : ''}:`);
  line(io, forms.base64Der);
  line(io);
  line(io, envLine(forms.base64Der));
}

/**
 * The key pair already in DIR, kept rather than refused: scripts read the public key from the
 * last line (services/<db>/DEPLOY.md pipes it into Secret Manager), and `npm start` creates
 * .dev-keys/ first. Anything that is not a usable pair is refused with what to do.
 */
async function existingPair(
  io: Io,
  privatePath: string,
  publicPath: string,
  wanted: Alg | undefined,
): Promise<{ alg: Alg; publicKey: KeyObject; publicFilePresent: boolean } | undefined> {
  const hasPrivate = await exists(privatePath);
  const hasPublic = await exists(publicPath);
  if (!hasPrivate && !hasPublic) return undefined;
  const replace = 'pass --force to replace it with a new pair, or --out another folder';
  if (!hasPrivate) {
    throw new UsageError(`${shown(io, publicPath)} exists without ${shown(io, privatePath)}; ${replace}`);
  }
  let publicKey: KeyObject;
  try {
    publicKey = createPublicKey(createPrivateKey(await readFile(privatePath, 'utf8')));
  } catch {
    throw new CommandError(`${shown(io, privatePath)} is not a readable PEM private key; ${replace}`);
  }
  const alg = algOf(publicKey);
  if (!alg) {
    throw new CommandError(`${shown(io, privatePath)} is neither an EC P-256 nor an RSA key; ${replace}`);
  }
  if (wanted && wanted !== alg) {
    throw new UsageError(`${shown(io, privatePath)} holds an ${alg} key, not ${wanted}; ${replace}`);
  }
  if (hasPublic) {
    let matches = false;
    try {
      matches =
        formsOf(createPublicKey(await readFile(publicPath, 'utf8'))).fingerprint === formsOf(publicKey).fingerprint;
    } catch {
      // not a key: reported below
    }
    if (!matches) {
      throw new CommandError(`${shown(io, publicPath)} is not the public key of ${shown(io, privatePath)}; ${replace}`);
    }
  }
  return { alg, publicKey, publicFilePresent: hasPublic };
}

function algOf(key: KeyObject): Alg | undefined {
  if (key.asymmetricKeyType === 'rsa') return 'RS256';
  if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') return 'ES256';
  return undefined;
}
