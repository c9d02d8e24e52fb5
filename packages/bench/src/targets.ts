/**
 * What the bench can start. Each target is a server command; the memory and
 * bare targets are built into this package, the database services are added
 * here as they land (they need their emulators running).
 */
import { fileURLToPath } from 'node:url';

export interface TargetDefinition {
  readonly name: string;
  readonly description: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly env: Record<string, string>;
  readonly collectionId: string;
  /** Only `capabilities/get` makes sense (the bare baseline answers a constant). */
  readonly baselineOnly?: boolean;
}

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));

export function builtInTargets(publicKeyPem: string): TargetDefinition[] {
  return [
    {
      name: 'bare',
      description: 'bare Fastify route verifying the same JWT (baseline)',
      command: process.execPath,
      args: [here('./targets/bare-server.js')],
      env: { WIX_PUBLIC_KEYS: publicKeyPem },
      collectionId: 'plants',
      baselineOnly: true,
    },
    {
      name: 'memory',
      description: 'the full core on the memory storage (1,000 items)',
      command: process.execPath,
      args: [here('./targets/memory-server.js')],
      env: { WIX_PUBLIC_KEYS: publicKeyPem, BENCH_ITEMS: '1000' },
      collectionId: 'plants',
    },
  ];
}
