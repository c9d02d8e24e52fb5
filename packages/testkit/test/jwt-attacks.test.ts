import { defineJwtAttackSuite } from '@adaptors/testkit/attacks';
import { createMemoryStorage } from '../src/index.ts';

defineJwtAttackSuite('memory', async () => ({ storage: createMemoryStorage(), close: async () => {} }));
