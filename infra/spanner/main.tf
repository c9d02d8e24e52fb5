# The Cloud Spanner adaptor: one Cloud Run service (adaptor.tf, shared by every root, and
# modules/adaptor-service) and the least privilege it needs on ONE database.

locals {
  engine      = "spanner"
  database_id = var.create_database ? google_spanner_database.this[0].name : var.spanner_database

  # Settings of services/spanner/src/settings.ts this root sets (the common ones are in
  # adaptor.tf; null = unset).
  engine_env = {
    SPANNER_PROJECT          = var.project_id
    SPANNER_INSTANCE         = var.spanner_instance
    SPANNER_DATABASE         = local.database_id
    READ_ONLY_SCHEMA         = tostring(var.read_only_schema)
    SPANNER_PROCESSING_UNITS = tostring(var.spanner_processing_units)
  }
  # CONCURRENCY when var.concurrency is null: the service's own default, the core's 80
  # (services/spanner/src/settings.ts; at most 100, the sessions one instance holds).
  engine_concurrency = 80
  # Its other settings extra_env accepts (besides the core ones, adaptor.tf), and
  # SPANNER_DISABLE_BUILTIN_METRICS, which src/client.ts reads outside the settings: "false"
  # turns the Spanner client's built-in metrics on (services/spanner/DEPLOY.md, "Runtime").
  engine_extra_settings = ["SCHEMA_CACHE_SECONDS", "NUMBER_COLUMNS", "SCHEMA_CHECK_MS", "SPANNER_DISABLE_BUILTIN_METRICS"]
  grants                = concat([google_spanner_database_iam_member.user.id], google_spanner_database_iam_member.ddl[*].id)
}

resource "google_spanner_database" "this" {
  count = var.create_database ? 1 : 0

  project          = var.project_id
  instance         = var.spanner_instance
  name             = var.spanner_database
  database_dialect = "GOOGLE_STANDARD_SQL"
  # Terraform-side guard and Spanner-side drop protection: the data outlives the service.
  deletion_protection    = var.deletion_protection
  enable_drop_protection = var.deletion_protection
}

# Read and write rows (and read the schema) of this database only: an instance- or
# project-level grant would open every other database too.
resource "google_spanner_database_iam_member" "user" {
  project  = var.project_id
  instance = var.spanner_instance
  database = local.database_id
  role     = "roles/spanner.databaseUser"
  member   = module.service.service_account_member
}

# Creating, changing and dropping collections is DDL (UpdateDatabaseDdl and its
# long-running operations), which databaseUser does not include. Granted only when
# the schema is not read-only, and only on this database. (A custom role with
# spanner.databases.updateDdl + spanner.databaseOperations.get would be narrower
# still, at the cost of roles/iam.roleAdmin for whoever applies this.)
resource "google_spanner_database_iam_member" "ddl" {
  count = var.read_only_schema ? 0 : 1

  project  = var.project_id
  instance = var.spanner_instance
  database = local.database_id
  role     = "roles/spanner.databaseAdmin"
  member   = module.service.service_account_member
}
