/** Hostile-input suites for every service: the JWT attack matrix. */

export { b64url, type ForgeAlg, type ForgeKeyPair, forge, forgeKeyPair, signerFor } from './forge.ts';
export { type AttackCase, type AttackContext, claims, JWT_ATTACKS } from './jwt-cases.ts';
export { defineJwtAttackSuite } from './jwt-suite.ts';
