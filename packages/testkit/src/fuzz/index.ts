/** Property-based fuzzing of signed requests across every endpoint, judged against the reference. */

export { type HostileOptions, hostileId, hostileKey, hostileNumber, hostileString, hostileValue } from './hostile.ts';
export { type Finding, judgeAnswer, normalise, type Verdict } from './judge.ts';
export { referenceStorage } from './reference.ts';
export { FUZZ_FIELDS, type FuzzRequest, fuzzRequests } from './requests.ts';
export { defineFuzzSuite, type FuzzOptions, report } from './suite.ts';
