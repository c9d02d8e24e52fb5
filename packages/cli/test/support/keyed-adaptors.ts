/**
 * What `call` and `doctor` are tested against: a working folder holding the key
 * pair `adaptors keys generate` wrote, a real local adaptor that trusts that key
 * (as a deployed service would), and one configured with some other key.
 */
import { createMemoryStorage, type Harness, plantsCollection, startHarness } from '@adaptors/testkit';
import { afterAll, beforeAll } from 'vitest';
import { startAdaptor } from './adaptor.ts';
import { envKey, runCli, tempDir } from './run-cli.ts';

export interface KeyedAdaptors {
  readonly dir: string;
  readonly adaptor: { readonly url: string };
  /** An adaptor configured with some other key (startHarness makes its own). */
  readonly stranger: Harness;
  close(): Promise<void>;
}

export async function startKeyedAdaptors(): Promise<KeyedAdaptors> {
  const dir = await tempDir();
  const generated = await runCli(['keys', 'generate'], { cwd: dir.path });
  const adaptor = await startAdaptor(envKey(generated.stdout));
  const stranger = await startHarness({ storage: createMemoryStorage({ collections: [plantsCollection] }) });
  return {
    dir: dir.path,
    adaptor,
    stranger,
    async close() {
      await adaptor.close();
      await stranger.close();
      await dir.remove();
    },
  };
}

/** Starts them before the file's tests and closes them after; the object is filled in by then. */
export function useKeyedAdaptors(): KeyedAdaptors {
  const shared = {} as { -readonly [K in keyof KeyedAdaptors]: KeyedAdaptors[K] };
  beforeAll(async () => {
    Object.assign(shared, await startKeyedAdaptors());
  });
  afterAll(() => shared.close());
  return shared;
}
