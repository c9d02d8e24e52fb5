/**
 * What a service hands the hostile-input suites (attacks/, fuzz/,
 * concurrency/): a way to open a fresh storage on its engine. The suites
 * start the real core over it themselves (startHarness) because they choose
 * the keys, the audience, the body limit and the logger.
 */
import type { Storage } from '@adaptors/core';

export interface StorageUnderTest {
  readonly storage: Storage;
  /** Releases what the storage holds beyond `storage.close()` (the harness closes the storage itself). */
  close(): Promise<void>;
}

export type OpenStorage = () => Promise<StorageUnderTest>;
