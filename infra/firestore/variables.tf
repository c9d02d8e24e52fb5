# The Firestore root's own variables; the common ones (project, image, Wix, secrets,
# capacity) are in adaptor.tf, shared by every root.

variable "firestore_database" {
  description = "Firestore database id (FIRESTORE_DATABASE), in Native mode."
  type        = string
  default     = "(default)"
}

variable "create_database" {
  description = "true: create the Firestore database (Native mode) in firestore_location. false: use an existing one."
  type        = bool
  default     = false
}

variable "firestore_location" {
  description = "Location of a database created here (e.g. eur3, nam5, europe-west1). Only read when create_database is true."
  type        = string
  default     = null

  validation {
    condition     = !var.create_database || var.firestore_location != null
    error_message = "create_database needs firestore_location."
  }
}

variable "manage_indexes" {
  description = "FIRESTORE_MANAGE_INDEXES. true: the Wix indexes endpoints list/create/remove composite indexes, and the service account also gets roles/datastore.indexAdmin. false (default): indexes are managed by you (gcloud/console/Terraform)."
  type        = bool
  default     = false
}
