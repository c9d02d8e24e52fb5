# The Spanner root's own variables; the common ones (project, image, Wix, secrets,
# capacity) are in adaptor.tf, shared by every root.

variable "spanner_instance" {
  description = "Existing Spanner instance id (SPANNER_INSTANCE). Instances are billed per node: this root never creates one."
  type        = string
}

variable "spanner_database" {
  description = "Spanner database id (SPANNER_DATABASE, GoogleSQL dialect). Its tables are the Wix collections."
  type        = string
}

variable "create_database" {
  description = "true: create the database in the instance. false: use an existing one."
  type        = bool
  default     = false
}

variable "read_only_schema" {
  description = "READ_ONLY_SCHEMA. true (default): Wix can read and write items but not create, change or delete collections; the service account gets only roles/spanner.databaseUser. false: collections can be managed from Wix, which needs DDL, so roles/spanner.databaseAdmin on this database is granted too."
  type        = bool
  default     = true
}

variable "spanner_processing_units" {
  description = "Processing units of the Spanner instance (1 node = 1000): the service refuses max_instances × 100 sessions above 10 per processing unit (services/spanner/DEPLOY.md \"Sizing\")."
  type        = number
  default     = 100
}
