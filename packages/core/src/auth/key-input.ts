/**
 * Splits the configured public-key text into individual key candidates
 * (docs/protocol.md §2.4 "Key loader rules"): PEM blocks, base64 of PEM text,
 * and bare base64/base64url DER. Only splitting happens here; keys.ts decides
 * what each candidate is. Nothing here echoes input text in an error, because
 * even a mangled key is key material.
 */

export type KeyCandidate =
  /** One `-----BEGIN <label>----- … -----END <label>-----` block. */
  | { readonly kind: 'pem'; readonly label: string; readonly pem: string }
  /**
   * A run of base64 tokens found outside PEM blocks. Usually one token per key,
   * but a DER key pasted as a line-wrapped PEM body (no BEGIN/END lines) also
   * arrives as several tokens, so keys.ts may try them joined.
   */
  | { readonly kind: 'base64'; readonly tokens: readonly Buffer[]; readonly joined: Buffer };

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g;
const BASE64_TOKEN = /^[A-Za-z0-9+/_-]+={0,2}$/;
const PEM_PREFIX = Buffer.from('-----BEGIN');

function startsWithPem(bytes: Buffer): boolean {
  return bytes.subarray(0, PEM_PREFIX.length).equals(PEM_PREFIX);
}

/**
 * Environment variables often carry PEM with literal `\n` escapes, or wrapped
 * in quotes by a .env file or a console form: undo both.
 */
export function unescapeKeyText(text: string): string {
  let out = text.trim();
  if (out.length >= 2 && (out[0] === '"' || out[0] === "'") && out.at(-1) === out[0]) out = out.slice(1, -1);
  return out.replace(/\\r\\n|\\n|\\r/g, '\n').trim();
}

/** Throws `Error` (not SpiError): this runs at startup and the message goes to the operator. */
export function splitKeyInput(input: string | readonly string[]): KeyCandidate[] {
  const items = typeof input === 'string' ? [input] : input;
  const out: KeyCandidate[] = [];
  for (const item of items) collect(unescapeKeyText(item), out, 0);
  return out;
}

function collect(text: string, out: KeyCandidate[], depth: number): void {
  const remainder = text.replace(PEM_BLOCK, (pem: string, label: string) => {
    out.push({ kind: 'pem', label, pem });
    return '\n';
  });
  if (remainder.includes('-----BEGIN') || remainder.includes('-----END')) {
    throw new Error(
      'a PEM block is incomplete (a "-----BEGIN …-----" line without its matching "-----END …-----" line)',
    );
  }
  const decoded: Buffer[] = [];
  for (const raw of remainder.split(/[\s,;]+/)) {
    const token = raw.replace(/^["']|["']$/g, '');
    if (token === '') continue;
    if (!BASE64_TOKEN.test(token)) {
      throw new Error(
        'found text that is neither a PEM block nor base64 (a public key must be PEM text, base64 of PEM text, or base64 DER; separate several keys with commas or whitespace)',
      );
    }
    // Node's base64url decoder also accepts the standard alphabet and padding.
    decoded.push(Buffer.from(token, 'base64url'));
  }
  if (decoded.length === 0 || depth > 0) {
    if (decoded.length > 0) throw new Error('base64-decoded PEM text contains stray data outside its PEM block');
    return;
  }
  // base64 of PEM text (what Wix's SDK accepts, §2.3), possibly wrapped by the
  // `base64` tool: decode the whole run and split again.
  const joinedAll = Buffer.concat(decoded);
  if (startsWithPem(joinedAll)) {
    collect(joinedAll.toString('utf8'), out, depth + 1);
    return;
  }
  const tokens: Buffer[] = [];
  for (const bytes of decoded) {
    if (startsWithPem(bytes)) collect(bytes.toString('utf8'), out, depth + 1);
    else tokens.push(bytes);
  }
  if (tokens.length > 0) out.push({ kind: 'base64', tokens, joined: Buffer.concat(tokens) });
}
