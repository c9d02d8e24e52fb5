/** The client settings main.ts opens Spanner with (services/spanner/DEPLOY.md, "Runtime"). */
import { describe, expect, it } from 'vitest';
import { builtInMetricsDisabled } from '../src/client.ts';

describe('built-in client metrics', () => {
  it('are off by default and when the client is told to disable them', () => {
    expect(builtInMetricsDisabled({})).toBe(true);
    expect(builtInMetricsDisabled({ SPANNER_DISABLE_BUILTIN_METRICS: 'true' })).toBe(true);
  });

  it('are on only when SPANNER_DISABLE_BUILTIN_METRICS=false says so', () => {
    expect(builtInMetricsDisabled({ SPANNER_DISABLE_BUILTIN_METRICS: 'false' })).toBe(false);
  });
});
