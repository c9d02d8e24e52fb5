# The BigQuery adaptor: one Cloud Run service (adaptor.tf, shared by every root, and
# modules/adaptor-service) and the least privilege it needs: table data on ONE dataset, its schema-change
# label, and running query jobs.

locals {
  engine     = "bigquery"
  dataset_id = var.create_dataset ? google_bigquery_dataset.this[0].dataset_id : var.bigquery_dataset

  # Settings of services/bigquery/src/settings.ts this root sets (the common ones are in
  # adaptor.tf; null = unset).
  engine_env = {
    BIGQUERY_PROJECT  = var.project_id
    BIGQUERY_DATASET  = local.dataset_id
    BIGQUERY_LOCATION = var.bigquery_location
  }
  # CONCURRENCY when var.concurrency is null: the service's own default, 40
  # (services/bigquery/src/settings.ts): 10 instances × 40 × 2 query jobs stay within the
  # 1,000 interactive queries BigQuery queues per project; the core's 80 is refused at start.
  engine_concurrency = 40
  # Its other settings extra_env accepts (besides the core ones, adaptor.tf).
  engine_extra_settings = [
    "READ_ONLY_SCHEMA",
    "SCHEMA_CACHE_SECONDS",
    "NUMBER_COLUMNS",
    "SCHEMA_CHECK_MS",
    "BIGQUERY_MAXIMUM_BYTES_BILLED",
    # An egress proxy (services/bigquery/DEPLOY.md, "The client's paths"): the REST calls then go
    # through google-auth-library's request and its proxy agent.
    "HTTPS_PROXY",
    "HTTP_PROXY",
  ]
  grants = concat(
    [google_bigquery_dataset_iam_member.data_editor.id, google_project_iam_member.job_user.id],
    google_bigquery_dataset_iam_member.schema_label[*].id,
  )
  # READ_ONLY_SCHEMA=true (extra_env): no collection changes, so no schema-change label to write.
  schema_changes = lower(lookup(var.extra_env, "READ_ONLY_SCHEMA", "false")) != "true"
}

resource "google_bigquery_dataset" "this" {
  count = var.create_dataset ? 1 : 0

  project     = var.project_id
  dataset_id  = var.bigquery_dataset
  location    = var.bigquery_location
  description = "Wix collections served by ${local.service_name}"
  # The data outlives the service: destroy fails while tables exist.
  delete_contents_on_destroy = false
}

# Read and write rows, and create/alter/drop the tables that are Wix collections, in
# this dataset only (a project-level dataEditor would open every dataset).
resource "google_bigquery_dataset_iam_member" "data_editor" {
  project    = var.project_id
  dataset_id = local.dataset_id
  role       = "roles/bigquery.dataEditor"
  member     = module.service.service_account_member
}

# A collection change writes a dataset label (services/bigquery/src/schema.ts schemaChanged) that
# tells the service's other instances to reload the schema: datasets.patch, which needs
# bigquery.datasets.update. dataEditor lacks it; among predefined roles only dataOwner and admin
# have it, and both add far more (dataset IAM, deleting the dataset). So: a custom role with that
# one permission, granted on this dataset only. Creating it needs roles/iam.roleAdmin (or
# iam.roles.create) for whoever applies. Without it the service logs a WARNING and other
# instances see changes only after SCHEMA_CACHE_SECONDS.
resource "google_project_iam_custom_role" "schema_label" {
  count = local.schema_changes ? 1 : 0

  project = var.project_id
  # 3-64 of [a-zA-Z0-9_.]; one per service (a service's account is <service_name>-sa, unique in the project).
  role_id     = "${replace(local.service_name, "-", "_")}_schema_label"
  title       = "${local.service_name}: schema-change label"
  description = "bigquery.datasets.update only, granted on the dataset ${local.dataset_id}: the Wix adaptor writes a dataset label when a collection changes."
  permissions = ["bigquery.datasets.update"]
}

resource "google_bigquery_dataset_iam_member" "schema_label" {
  count = local.schema_changes ? 1 : 0

  project    = var.project_id
  dataset_id = local.dataset_id
  role       = google_project_iam_custom_role.schema_label[0].name
  member     = module.service.service_account_member
}

# Every query and DML statement is a job, and jobs belong to a project: jobUser exists
# only at project level. It lets the service run jobs, not read any data by itself.
resource "google_project_iam_member" "job_user" {
  project = var.project_id
  role    = "roles/bigquery.jobUser"
  member  = module.service.service_account_member
}
