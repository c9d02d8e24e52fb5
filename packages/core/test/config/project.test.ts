import { describe, expect, test } from 'vitest';
import { detectProject } from '../../src/config/project.ts';

describe('detectProject', () => {
  test("the library's project when it finds one", async () => {
    await expect(detectProject('SPANNER_PROJECT', async () => 'my-project')).resolves.toBe('my-project');
  });

  test('none found: an error naming the settings to set, with the library cause', async () => {
    const failing = detectProject('SPANNER_PROJECT', async () => {
      throw new Error(
        'Unable to detect a Project Id in the current environment. To learn more about authentication and Google APIs, visit: https://cloud.google.com/docs/authentication/getting-started',
      );
    });
    await expect(failing).rejects.toThrow(
      'no Google Cloud project: set SPANNER_PROJECT (or GOOGLE_CLOUD_PROJECT) to the project that holds the database (Unable to detect a Project Id in the current environment). On Cloud Run',
    );
    await expect(detectProject('BIGQUERY_PROJECT', async () => null)).rejects.toThrow(
      'set BIGQUERY_PROJECT (or GOOGLE_CLOUD_PROJECT)',
    );
  });
});
