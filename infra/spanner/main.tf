# The Cloud Spanner adaptor: one Cloud Run service (modules/adaptor-service) and the
# least privilege it needs on ONE database.

locals {
  database_id = var.create_database ? google_spanner_database.this[0].name : var.spanner_database

  # Settings this root sets (names from services/spanner/src/settings.ts; null = unset).
  plain_env = {
    GOOGLE_CLOUD_PROJECT = var.project_id
    SPANNER_PROJECT      = var.project_id
    SPANNER_INSTANCE     = var.spanner_instance
    SPANNER_DATABASE     = local.database_id
    READ_ONLY_SCHEMA     = tostring(var.read_only_schema)
    WIX_PUBLIC_KEYS      = var.wix_public_keys
    WIX_AUDIENCE         = var.wix_audience
    # The sizing the service checks at start (DEPLOY.md "Sizing"): the same numbers as the scaling below.
    MAX_INSTANCES            = tostring(var.max_instances)
    CONCURRENCY              = tostring(var.concurrency)
    SPANNER_PROCESSING_UNITS = tostring(var.spanner_processing_units)
  }
  secret_env = {
    WIX_PUBLIC_KEYS = var.wix_public_keys_secret
    CURSOR_SECRET   = var.cursor_secret
    STATUS_TOKEN    = var.status_token
    # Legacy protocol (STANDALONE connections, docs/legacy.md); null = legacy mode off.
    LEGACY_SECRET_KEYS = var.legacy_secret_keys
  }
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
  required_grants     = concat([google_spanner_database_iam_member.user.id], google_spanner_database_iam_member.ddl[*].id)
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
