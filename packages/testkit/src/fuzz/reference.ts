/**
 * The reference a fuzzed service is compared with: the same core over the
 * memory storage (the evaluator), declaring the service's capabilities so
 * that what the service does not declare is refused alike.
 */
import type { Storage, StorageCapabilities } from '@adaptors/core';
import { createMemoryStorage } from '../memory/memory-storage.ts';

export function referenceStorage(capabilities: StorageCapabilities): Storage {
  const memory = createMemoryStorage();
  return new Proxy(memory, {
    get(target, property) {
      if (property === 'capabilities') return capabilities;
      const value = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
