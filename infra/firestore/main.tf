# The Firestore adaptor: one Cloud Run service (adaptor.tf, shared by every root, and
# modules/adaptor-service) and the least privilege it needs on ONE Firestore database.

locals {
  engine      = "firestore"
  database_id = var.create_database ? google_firestore_database.this[0].name : var.firestore_database

  # Firestore has no database-level IAM resource: roles are granted on the project,
  # and an IAM condition on the database's resource name narrows them to this database.
  database_condition = "resource.name == \"projects/${var.project_id}/databases/${local.database_id}\""

  # Settings of services/firestore/src/settings.ts this root sets (the common ones are in
  # adaptor.tf; null = unset).
  engine_env = {
    FIRESTORE_PROJECT        = var.project_id
    FIRESTORE_DATABASE       = local.database_id
    FIRESTORE_MANAGE_INDEXES = tostring(var.manage_indexes)
  }
  # CONCURRENCY when var.concurrency is null: the service's own default, the core's 80
  # (services/firestore/src/settings.ts).
  engine_concurrency = 80
  # Its other settings extra_env accepts (besides the core ones, adaptor.tf).
  engine_extra_settings = [
    "FIRESTORE_METADATA_COLLECTION",
    "FIRESTORE_REFERENCES_COLLECTION",
    "FIRESTORE_SCAN_LIMIT",
    "FIRESTORE_INFER_SAMPLE",
    "READ_ONLY_SCHEMA",
    "SCHEMA_CACHE_SECONDS",
    "SCHEMA_CHECK_MS",
    "FIRESTORE_WRITE_CONCURRENCY",
  ]
  grants = concat([google_project_iam_member.datastore_user.id], google_project_iam_member.index_admin[*].id)
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

# Read and write documents. Project level is the only level Firestore offers for
# roles/datastore.user; the condition limits it to this database.
resource "google_project_iam_member" "datastore_user" {
  project = var.project_id
  role    = "roles/datastore.user"
  member  = module.service.service_account_member

  condition {
    title       = "only-${substr(replace(local.database_id, "/[^a-z0-9-]/", ""), 0, 40)}"
    description = "Wix adaptor ${local.service_name}: this Firestore database only"
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
    description = "Wix adaptor ${local.service_name}: indexes of this Firestore database only"
    expression  = local.database_condition
  }
}
