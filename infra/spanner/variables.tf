# ---------------------------------------------------------------- where it runs

variable "project_id" {
  description = "Google Cloud project of the Cloud Run service (and of the Spanner instance)."
  type        = string
}

variable "region" {
  description = "Cloud Run region, e.g. europe-west1: the region of the Spanner instance's configuration, so each query stays in-region."
  type        = string
}

variable "service_name" {
  description = "Cloud Run service name (3-27 characters); the service account is <service_name>-sa."
  type        = string
  default     = "wix-spanner-adaptor"
}

variable "image" {
  description = "Image built from services/spanner/Dockerfile, with a pinned tag or digest (never :latest), e.g. europe-west1-docker.pkg.dev/PROJECT/adaptors/spanner:0.1.0."
  type        = string

  validation {
    # A moving tag lets a rebuild change live sites without a plan; Wix's reference
    # adaptor (wix/velo-external-db) broke live sites exactly that way. No tag at all means :latest too.
    condition     = can(regex("(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}|@sha256:[0-9a-f]{64})$", var.image)) && !can(regex(":latest$", var.image))
    error_message = "image must end in an explicit tag (not :latest) or an @sha256: digest."
  }
}

# ---------------------------------------------------------------- the database

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

# ---------------------------------------------------------------- Wix and secrets

variable "wix_public_keys" {
  description = "WIX_PUBLIC_KEYS as plain text: the connection's publicKey (public, not a secret). Set this or wix_public_keys_secret."
  type        = string
  default     = null
}

variable "wix_public_keys_secret" {
  description = "WIX_PUBLIC_KEYS from Secret Manager (where `adaptors connect` can write it): { secret = id, version = number }. Set this or wix_public_keys."
  type = object({
    secret  = string
    version = string
  })
  default = null

  validation {
    condition     = (var.wix_public_keys == null) != (var.wix_public_keys_secret == null)
    error_message = "Set exactly one of wix_public_keys and wix_public_keys_secret."
  }
}

variable "wix_audience" {
  description = "WIX_AUDIENCE: expected token audience (the Wix app id), comma-separated if several. null: any audience is accepted and logged."
  type        = string
  default     = null
}

variable "cursor_secret" {
  description = "CURSOR_SECRET from Secret Manager: { secret = id, version = number }; the secret holds at least 32 random characters. Required: without it, a caller who knows the public key could forge paging cursors."
  type = object({
    secret  = string
    version = string
  })
}

variable "status_token" {
  description = "STATUS_TOKEN from Secret Manager: { secret = id, version = number }; unlocks the status page's details (collections, recent error messages). null: the page shows only its public summary."
  type = object({
    secret  = string
    version = string
  })
  default = null
}

variable "legacy_secret_keys" {
  description = "LEGACY_SECRET_KEYS from Secret Manager: { secret = id, version = number }; the secret holds the STANDALONE connection's configuration.secretKey (comma-separated keys while rotating). null: legacy mode off (docs/legacy.md)."
  type = object({
    secret  = string
    version = string
  })
  default = null
}

variable "extra_env" {
  description = "Other settings, name => value (services/spanner/DEPLOY.md lists them). Names this root sets itself, PORT/HOST (Cloud Run) and SPANNER_EMULATOR_HOST (development only) are refused."
  type        = map(string)
  default     = {}

  validation {
    # The settings of services/spanner/src/settings.ts not set by this root; a misspelt
    # name would otherwise be ignored silently (infra/test keeps this list in step).
    condition = alltrue([for name in keys(var.extra_env) : contains([
      "CLOCK_SKEW_SECONDS",
      "TOKEN_MAX_LIFETIME_SECONDS",
      "BODY_LIMIT_MB",
      "LOG_LEVEL",
      "ACCESS_POLICY",
      "REQUEST_DEADLINE_MS",
      "SHUTDOWN_GRACE_SECONDS",
      "SCHEMA_CACHE_SECONDS",
      "NUMBER_COLUMNS",
      "SCHEMA_CHECK_MS",
    ], name)])
    error_message = "extra_env accepts CLOCK_SKEW_SECONDS, TOKEN_MAX_LIFETIME_SECONDS, BODY_LIMIT_MB, LOG_LEVEL, ACCESS_POLICY, REQUEST_DEADLINE_MS, SHUTDOWN_GRACE_SECONDS, SCHEMA_CACHE_SECONDS, NUMBER_COLUMNS, SCHEMA_CHECK_MS."
  }
}

# ---------------------------------------------------------------- capacity

variable "min_instances" {
  description = "Instances kept warm; 1 avoids cold starts on Wix calls after idle periods, 0 costs nothing when idle."
  type        = number
  default     = 1
}

variable "max_instances" {
  description = "Most instances; also bounds the number of Spanner sessions opened."
  type        = number
  default     = 10
}

variable "concurrency" {
  description = "Requests one instance serves at once; with max_instances, checked by the service at start against its database's limits (services/spanner/DEPLOY.md \"Sizing\")."
  type        = number
  default     = 80
}

variable "spanner_processing_units" {
  description = "Processing units of the Spanner instance (1 node = 1000): the service refuses max_instances × 100 sessions above 10 per processing unit (services/spanner/DEPLOY.md \"Sizing\")."
  type        = number
  default     = 100
}

variable "deletion_protection" {
  description = "Protect the Cloud Run service (and a database created here) from `terraform destroy`."
  type        = bool
  default     = true
}

variable "labels" {
  description = "Labels for the service."
  type        = map(string)
  default     = {}
}
