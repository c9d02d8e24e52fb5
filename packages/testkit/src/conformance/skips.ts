/**
 * Named, reasoned skips for conformance targets whose protocol cannot express
 * a case (defineConformanceSuite's `skips`). A skip matches the test's path
 * below the suite, e.g. "writes > remove: removed items answered, …".
 */

export interface ConformanceSkip {
  /** Matched against "<group> > … > <test name>". */
  readonly test: RegExp;
  readonly reason: string;
}

interface TaskLike {
  readonly name: string;
  readonly suite?: TaskLike | undefined;
}

/** The test's path below "conformance: <name>". */
export function conformancePath(task: TaskLike): string {
  const names: string[] = [];
  for (let t: TaskLike | undefined = task; t; t = t.suite) {
    if (t.name.startsWith('conformance: ')) break;
    if (t.name) names.unshift(t.name);
  }
  return names.join(' > ');
}

export function skipReason(skips: readonly ConformanceSkip[], task: TaskLike): string | undefined {
  const path = conformancePath(task);
  return skips.find((s) => s.test.test(path))?.reason;
}
