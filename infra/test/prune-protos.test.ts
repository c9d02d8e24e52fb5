/**
 * The pruned protos the bundle gives the Spanner and Firestore data-plane clients
 * (scripts/prune-protos.mjs, applied by scripts/bundle-service.mjs): the service with
 * every method of the whole file, and every message and enum it keeps defined exactly as
 * in the whole file, so the client encodes and decodes the same bytes with either.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs build script without type declarations.
import { clientProtos } from '../../scripts/prune-protos.mjs';
import { serviceDir } from './support/services.ts';

interface ProtobufRoot {
  resolveAll(): ProtobufRoot;
  lookupService(name: string): { methodsArray: { name: string; requestType: string; responseType: string }[] };
  lookup(name: string): { toJSON(): unknown } | null;
  nestedArray: unknown[];
}
interface Protobuf {
  Root: { fromJSON(json: unknown): ProtobufRoot };
}

/** The gapic client file the bundle edits, found from the service's own dependency. */
function clientFile(service: 'spanner' | 'firestore', apiPackage: string, file: string): string {
  const fromService = createRequire(join(serviceDir(service), 'package.json'));
  const client = createRequire(fromService.resolve(`@google-cloud/${service}`));
  return join(dirname(client.resolve(apiPackage)), 'v1', file);
}

const CASES = [
  {
    name: 'spanner',
    file: () => clientFile('spanner', '@google-cloud/spanner-api', 'spanner_client.js'),
    service: 'google.spanner.v1.Spanner',
  },
  {
    name: 'firestore',
    file: () => clientFile('firestore', '@google-cloud/firestore-api', 'firestore_client.js'),
    service: 'google.firestore.v1.Firestore',
  },
] as const;

/** Full names of every message, enum and service under a JSON namespace. */
function definitions(node: { nested?: Record<string, unknown> }, path = ''): string[] {
  return Object.entries(node.nested ?? {}).flatMap(([name, child]) => {
    const full = path ? `${path}.${name}` : name;
    const def = child as { fields?: unknown; values?: unknown; methods?: unknown; nested?: Record<string, unknown> };
    const own = def.fields || def.values || def.methods ? [full] : [];
    return [...own, ...definitions(def, full)];
  });
}

describe.each(CASES)('the pruned $name data-plane protos', ({ file, service }) => {
  const { full, pruned, protobuf } = clientProtos(file(), service) as {
    full: { nested?: Record<string, unknown> };
    pruned: { nested?: Record<string, unknown> };
    protobuf: Protobuf;
  };
  const fullRoot = protobuf.Root.fromJSON(full).resolveAll();
  const prunedRoot = protobuf.Root.fromJSON(pruned).resolveAll();

  it('hold the service with every method and its request and response types', () => {
    const methods = fullRoot.lookupService(service).methodsArray.map((m) => [m.name, m.requestType, m.responseType]);
    expect(prunedRoot.lookupService(service).methodsArray.map((m) => [m.name, m.requestType, m.responseType])).toEqual(
      methods,
    );
    expect(methods.length).toBeGreaterThan(5);
  });

  it('define every kept message and enum exactly as the whole file does', () => {
    const kept = definitions(pruned);
    expect(kept.length).toBeGreaterThan(20);
    for (const name of kept) expect(prunedRoot.lookup(name)?.toJSON(), name).toEqual(fullRoot.lookup(name)?.toJSON());
  });

  it('leave out what the service does not reach (the admin APIs, descriptor.proto)', () => {
    const all = definitions(full);
    const kept = new Set(definitions(pruned));
    expect(kept.size).toBeLessThan(all.length / 2);
    expect(kept.has('google.protobuf.FileDescriptorProto')).toBe(false);
  });
});
