# The BigQuery adaptor: one Cloud Run service (modules/adaptor-service) and the least
# privilege it needs: table data on ONE dataset, and running query jobs.

locals {
  dataset_id = var.create_dataset ? google_bigquery_dataset.this[0].dataset_id : var.bigquery_dataset

  # Settings this root sets (names BIGQUERY_PROJECT/DATASET/LOCATION agreed for
  # services/bigquery/src/settings.ts; infra/test checks them once it exists; null = unset).
  plain_env = {
    GOOGLE_CLOUD_PROJECT = var.project_id
    BIGQUERY_PROJECT     = var.project_id
    BIGQUERY_DATASET     = local.dataset_id
    BIGQUERY_LOCATION    = var.bigquery_location
    WIX_PUBLIC_KEYS      = var.wix_public_keys
    WIX_AUDIENCE         = var.wix_audience
    # The sizing the service checks at start (DEPLOY.md "Sizing"): the same numbers as the scaling below.
    MAX_INSTANCES = tostring(var.max_instances)
    CONCURRENCY   = tostring(var.concurrency)
  }
  secret_env = {
    WIX_PUBLIC_KEYS = var.wix_public_keys_secret
    CURSOR_SECRET   = var.cursor_secret
    STATUS_TOKEN    = var.status_token
    # Legacy protocol (STANDALONE connections, docs/legacy.md); null = legacy mode off.
    LEGACY_SECRET_KEYS = var.legacy_secret_keys
  }
}

resource "google_bigquery_dataset" "this" {
  count = var.create_dataset ? 1 : 0

  project     = var.project_id
  dataset_id  = var.bigquery_dataset
  location    = var.bigquery_location
  description = "Wix collections served by ${var.service_name}"
  # The data outlives the service: destroy fails while tables exist.
  delete_contents_on_destroy = false
}

module "service" {
  source = "../modules/adaptor-service"

  project_id    = var.project_id
  region        = var.region
  name          = var.service_name
  image         = var.image
  env           = merge(var.extra_env, { for name, value in local.plain_env : name => value if value != null })
  secret_env    = { for name, ref in local.secret_env : name => ref if ref != null }
  min_instances = var.min_instances
  max_instances = var.max_instances
  concurrency   = var.concurrency
  labels        = var.labels

  deletion_protection = var.deletion_protection
  required_grants     = [google_bigquery_dataset_iam_member.data_editor.id, google_project_iam_member.job_user.id]
}

# Read and write rows, and create/alter/drop the tables that are Wix collections, in
# this dataset only (a project-level dataEditor would open every dataset).
resource "google_bigquery_dataset_iam_member" "data_editor" {
  project    = var.project_id
  dataset_id = local.dataset_id
  role       = "roles/bigquery.dataEditor"
  member     = module.service.service_account_member
}

# Every query and DML statement is a job, and jobs belong to a project: jobUser exists
# only at project level. It lets the service run jobs, not read any data by itself.
resource "google_project_iam_member" "job_user" {
  project = var.project_id
  role    = "roles/bigquery.jobUser"
  member  = module.service.service_account_member
}
