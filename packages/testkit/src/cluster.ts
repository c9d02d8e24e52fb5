/**
 * Several instances of one service on one engine, as Cloud Run runs them
 * (packages/core/SCALING.md): N real service processes started by the bench's
 * launcher (service-process.ts) with the same settings, a client pinned to
 * each, and a client that sends each call to the next instance, as Wix
 * spreads one editor's calls over a service's instances.
 */
import { WixClient } from './client.ts';
import { type ServerProcess, startServerProcess } from './service-process.ts';
import type { WixSigner } from './signer.ts';

export interface ClusterOptions {
  /** The service's built entry point (services/<db>/dist/main.js). */
  readonly main: string;
  /** Settings shared by every instance (the engine's, plus any under test). */
  readonly env: Record<string, string>;
  readonly instances: number;
  readonly signer: WixSigner;
}

export interface ServiceCluster {
  readonly processes: readonly ServerProcess[];
  /** `clients[i]` always calls instance i. */
  readonly clients: readonly WixClient[];
  /** Each call goes to the next instance in turn. */
  readonly roundRobin: WixClient;
  /** One more instance with the same settings (a new process, as after a restart); stopped with the rest. */
  startInstance(): Promise<WixClient>;
  stop(): Promise<void>;
}

/** A client that sends each call to the next of `urls` in turn. */
export class RoundRobinClient extends WixClient {
  #next = 0;
  private readonly urls: readonly string[];

  constructor(urls: readonly string[], signer: WixSigner) {
    super({ baseUrl: urls[0] ?? '', signer });
    this.urls = urls;
  }

  protected override nextBaseUrl(): string {
    const url = this.urls[this.#next % this.urls.length] as string;
    this.#next++;
    return url;
  }
}

export async function startServiceCluster(options: ClusterOptions): Promise<ServiceCluster> {
  if (options.instances < 1) throw new Error('a cluster needs at least one instance');
  const env = {
    ...options.env,
    WIX_PUBLIC_KEYS: options.signer.publicKeyPem,
    LOG_LEVEL: options.env.LOG_LEVEL ?? 'warn',
  };
  const start = () => startServerProcess(process.execPath, [options.main], env);
  const processes: ServerProcess[] = [];
  try {
    // The first alone: on an emulator it may create the instance and database, which the others then find.
    processes.push(await start());
    const rest = await Promise.allSettled(Array.from({ length: options.instances - 1 }, start));
    for (const r of rest) if (r.status === 'fulfilled') processes.push(r.value);
    const failed = rest.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  } catch (error) {
    await Promise.all(processes.map((p) => p.stop()));
    throw error;
  }
  const urls = processes.map((p) => p.url);
  return {
    processes,
    clients: urls.map((baseUrl) => new WixClient({ baseUrl, signer: options.signer })),
    roundRobin: new RoundRobinClient(urls, options.signer),
    startInstance: async () => {
      const added = await start();
      processes.push(added);
      return new WixClient({ baseUrl: added.url, signer: options.signer });
    },
    stop: async () => {
      await Promise.all(processes.map((p) => p.stop()));
    },
  };
}
