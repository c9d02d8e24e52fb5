// The JWT attack matrix of @adaptors/testkit (attacks/jwt-cases.ts) against the core on this storage.
import { defineJwtAttackSuite } from '@adaptors/testkit/attacks';
import { openSpannerStorage } from './open-storage.ts';

defineJwtAttackSuite('spanner', openSpannerStorage);
