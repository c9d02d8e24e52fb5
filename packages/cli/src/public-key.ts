/**
 * Public-key text in the forms the services accept (docs/protocol.md §2.4 "Key loader
 * rules"; core's WIX_PUBLIC_KEYS): PEM, base64 of PEM, bare base64 DER SPKI.
 * The env line always uses bare base64 DER: one line, no quoting problems, and
 * for EC P-256 the same 124-character form as a connection's publicKey
 * (docs/connections.md §2: at most 128 characters).
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { fingerprintOf, loadPublicKeys } from '@adaptors/core';

export interface PublicKeyForms {
  readonly pem: string;
  readonly base64Pem: string;
  readonly base64Der: string;
  /** Same value core logs at startup (`keys: ["ES256 <fingerprint>"]`): SHA-256 of the SPKI DER, 16 hex chars. */
  readonly fingerprint: string;
}

export function formsOf(key: KeyObject): PublicKeyForms {
  const pem = key.export({ type: 'spki', format: 'pem' }).toString();
  const der = key.export({ type: 'spki', format: 'der' });
  return {
    pem,
    base64Pem: Buffer.from(pem, 'utf8').toString('base64'),
    base64Der: der.toString('base64'),
    fingerprint: fingerprintOf(key),
  };
}

export function envLine(key: string): string {
  return `WIX_PUBLIC_KEYS=${key}`;
}

/**
 * Checks a key received from Wix with the loader the services use, and returns
 * the one-line value to configure. Throws core's operator-facing message
 * (which never echoes key material) when the services would refuse the key.
 */
export async function serviceKeyValue(publicKey: string): Promise<{ value: string; description: string }> {
  const keys = await loadPublicKeys(publicKey);
  const text = publicKey.trim();
  // One PEM key: flatten to base64 DER so it fits an env line; otherwise keep
  // Wix's text as is (already one line, and byte-identical to the connection).
  if (keys.length === 1 && text.includes('-----BEGIN')) {
    const forms = formsOf(createPublicKey(text));
    return { value: forms.base64Der, description: `${keys[0]!.alg} key, fingerprint ${forms.fingerprint}` };
  }
  if (/\s/.test(text)) throw new Error('the public key spans several lines and is not a single PEM key');
  return { value: text, description: keys.map((k) => `${k.alg} key, fingerprint ${k.fingerprint}`).join('; ') };
}
