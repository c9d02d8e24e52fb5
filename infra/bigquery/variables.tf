# The BigQuery root's own variables; the common ones (project, image, Wix, secrets,
# capacity) are in adaptor.tf, shared by every root.

variable "bigquery_dataset" {
  description = "BigQuery dataset id (BIGQUERY_DATASET). Its tables are the Wix collections."
  type        = string
}

variable "bigquery_location" {
  description = "Location of the dataset (BIGQUERY_LOCATION), e.g. EU, US or europe-west1; queries run there."
  type        = string
}

variable "create_dataset" {
  description = "true: create the dataset. false: use an existing one."
  type        = bool
  default     = false
}
