# The Firestore adaptor: one Cloud Run service (modules/adaptor-service) and the least
# privilege it needs on ONE Firestore database.

locals {
  database_id = var.create_database ? google_firestore_database.this[0].name : var.firestore_database

  # Firestore has no database-level IAM resource: roles are granted on the project,
  # and an IAM condition on the database's resource name narrows them to this database.
  database_condition = "resource.name == \"projects/${var.project_id}/databases/${local.database_id}\""

  # Settings this root sets (names from services/firestore/src/settings.ts; null = unset).
  plain_env = {
    GOOGLE_CLOUD_PROJECT     = var.project_id
    FIRESTORE_PROJECT        = var.project_id
    FIRESTORE_DATABASE       = local.database_id
    FIRESTORE_MANAGE_INDEXES = tostring(var.manage_indexes)
    WIX_PUBLIC_KEYS          = var.wix_public_keys
    WIX_AUDIENCE             = var.wix_audience
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

resource "google_firestore_database" "this" {
  count = var.create_database ? 1 : 0

  project     = var.project_id
  name        = var.firestore_database
  location_id = var.firestore_location
  type        = "FIRESTORE_NATIVE"
  # The data outlives the service: destroy leaves the database in place, and Firestore
  # refuses to delete it while protection is on.
  deletion_policy         = "ABANDON"
  delete_protection_state = var.deletion_protection ? "DELETE_PROTECTION_ENABLED" : "DELETE_PROTECTION_DISABLED"
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
  required_grants     = concat([google_project_iam_member.datastore_user.id], google_project_iam_member.index_admin[*].id)
}

# Read and write documents. Project level is the only level Firestore offers for
# roles/datastore.user; the condition limits it to this database.
resource "google_project_iam_member" "datastore_user" {
  project = var.project_id
  role    = "roles/datastore.user"
  member  = module.service.service_account_member

  condition {
    title       = "only-${substr(replace(local.database_id, "/[^a-z0-9-]/", ""), 0, 40)}"
    description = "Wix adaptor ${var.service_name}: this Firestore database only"
    expression  = local.database_condition
  }
}

# Composite index management for the Wix indexes endpoints, only when enabled.
resource "google_project_iam_member" "index_admin" {
  count = var.manage_indexes ? 1 : 0

  project = var.project_id
  role    = "roles/datastore.indexAdmin"
  member  = module.service.service_account_member

  condition {
    title       = "indexes-${substr(replace(local.database_id, "/[^a-z0-9-]/", ""), 0, 40)}"
    description = "Wix adaptor ${var.service_name}: indexes of this Firestore database only"
    expression  = local.database_condition
  }
}
