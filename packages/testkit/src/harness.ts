/**
 * Starts the real core (Fastify, signed calls, a real port) over a given
 * storage, with a fresh Wix-like signer — the harness route tests and the
 * conformance suite run against.
 */
import {
  type AccessPolicy,
  createAdaptor,
  createVerifier,
  type Logger,
  loadPublicKeys,
  type ServiceInfo,
  type Storage,
} from '@adaptors/core';
import { build } from '@adaptors/core/server';
import type { FastifyInstance } from 'fastify';
import { WixClient } from './client.ts';
import { LegacyClient } from './legacy-client.ts';
import { createWixSigner, type SigningAlg, type WixSigner } from './signer.ts';

export interface HarnessOptions {
  readonly storage: Storage;
  readonly alg?: SigningAlg;
  readonly audience?: string;
  readonly policy?: AccessPolicy;
  readonly logger?: Logger;
  readonly bodyLimitBytes?: number;
  readonly now?: () => Date;
  /** What the status page says about the service (runService fills it in production). */
  readonly info?: ServiceInfo;
  /** Turns legacy mode on with these secret keys; `legacy` then talks to it with the first. */
  readonly legacySecretKeys?: readonly string[];
  /** WIX_INSTANCE_IDS: the only sites served (BuildOptions.instanceIds); default any. */
  readonly instanceIds?: readonly string[];
  /**
   * REQUEST_DEADLINE_MS of the app. Default 60 s: tests that are not about
   * deadlines must not fail because a shared emulator is slow on a loaded
   * machine; fault tests set a small one.
   */
  readonly requestDeadlineMs?: number;
  /** How long /readyz waits for the storage. */
  readonly readyTimeoutMs?: number;
  /** How long closing waits for storage work abandoned at a deadline (BuildOptions.closeDrainMs). */
  readonly closeDrainMs?: number;
  /** A signer made elsewhere (e.g. over a key pair a test also uses to forge tokens); default: a fresh one. */
  readonly signer?: WixSigner;
  /** Per-call timeout of the harness's client (WixClientOptions.timeoutMs). */
  readonly clientTimeoutMs?: number;
}

export interface Harness {
  readonly app: FastifyInstance;
  readonly url: string;
  readonly signer: WixSigner;
  readonly client: WixClient;
  /** Legacy-protocol client (with `client` for fixtures), when legacySecretKeys were given. */
  readonly legacy: LegacyClient | undefined;
  /** The key its cursors are signed with (CURSOR_SECRET), for tests that forge a cursor's content. */
  readonly cursorSecret: string;
  /**
   * A second front door on the same storage and signer under an ACCESS_POLICY (the conformance
   * access cases); closing it leaves the storage open.
   */
  withPolicy(policy: AccessPolicy): Promise<Harness>;
  close(): Promise<void>;
}

const CURSOR_SECRET = 'test-cursor-secret';

/** The storage with a `close` that does nothing: another app over it closes only itself. */
function sharedStorage(storage: Storage): Storage {
  return new Proxy(storage, {
    get(target, key) {
      if (key === 'close') return async () => {};
      const value = Reflect.get(target, key, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

export async function startHarness(options: HarnessOptions): Promise<Harness> {
  const signer = options.signer ?? (await createWixSigner({ alg: options.alg ?? 'RS256', audience: options.audience }));
  const keys = await loadPublicKeys(signer.publicKeyPem);
  const verify = createVerifier({ keys, audience: options.audience });
  const adaptor = createAdaptor({
    storage: options.storage,
    cursorSecret: CURSOR_SECRET,
    policy: options.policy,
    now: options.now,
  });
  const app = build({
    adaptor,
    verify,
    logger: options.logger,
    bodyLimitBytes: options.bodyLimitBytes,
    ...(options.info ? { info: options.info } : {}),
    legacy: { secretKeys: options.legacySecretKeys },
    ...(options.instanceIds ? { instanceIds: options.instanceIds } : {}),
    requestDeadlineMs: options.requestDeadlineMs ?? 60_000,
    readyTimeoutMs: options.readyTimeoutMs,
    closeDrainMs: options.closeDrainMs,
  });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  const client = new WixClient({ baseUrl: url, signer, timeoutMs: options.clientTimeoutMs });
  const secretKey = options.legacySecretKeys?.[0];
  return {
    app,
    url,
    signer,
    client,
    legacy: secretKey === undefined ? undefined : new LegacyClient({ baseUrl: url, secretKey, fixtures: client }),
    cursorSecret: CURSOR_SECRET,
    withPolicy: (policy) => startHarness({ ...options, storage: sharedStorage(options.storage), signer, policy }),
    close: () => app.close(),
  };
}
