/**
 * The Google Cloud project of a service's database when neither its project setting
 * (SPANNER_PROJECT, BIGQUERY_PROJECT, FIRESTORE_PROJECT) nor GOOGLE_CLOUD_PROJECT is set: the
 * client library's own detection (the credentials' project, gcloud's, or Cloud Run's metadata
 * server). Where none names one (a `docker run` elsewhere, a key without a project), the
 * libraries failed at the first database call with "Unable to detect a Project Id", which named
 * no setting: `/readyz` answered 503 and the service kept running. This asks at start, so the
 * start fails with the settings to set (server/start.ts logs it as CRITICAL and exits 1).
 */
export async function detectProject(
  setting: string,
  detect: () => Promise<string | null | undefined>,
): Promise<string> {
  let project: string | null | undefined;
  let cause = '';
  try {
    project = await detect();
  } catch (err) {
    // The library's first sentence ("Unable to detect a Project Id in the current environment").
    cause = ` (${((err as Error | null)?.message ?? String(err)).split(/\.(?:\s|$)/)[0]})`;
  }
  if (project) return project;
  throw new Error(
    `no Google Cloud project: set ${setting} (or GOOGLE_CLOUD_PROJECT) to the project that holds the database${cause}. ` +
      'On Cloud Run the metadata server names one; elsewhere neither the credentials nor the environment did',
  );
}
