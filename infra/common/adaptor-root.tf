# What every root (infra/spanner, infra/firestore, infra/bigquery) has in common: the
# provider settings, the variables of the service, Wix and the secrets, the settings
# those become, the call of modules/adaptor-service, and the outputs (the provider pin
# is common/versions.tf, linked into every root and the module as versions.tf). ONE file, linked into
# each root as adaptor.tf (Terraform reads a root's *.tf files and has no way to import
# variables), so the roots cannot drift apart; infra/README.md "One shared file per root".
#
# Each root's own main.tf defines, next to its database resources:
#   local.engine          "spanner" | "firestore" | "bigquery"
#   local.engine_env      its database settings (name => value; null = unset)
#   local.engine_extra_settings  its other settings that extra_env accepts
#                         (infra/test keeps the lists in step with src/settings.ts)
#   local.engine_concurrency  the service's own default CONCURRENCY (its src/settings.ts),
#                         used when var.concurrency is null
#   local.grants          ids of the IAM grants the service needs before it starts

provider "google" {
  project = var.project_id
  region  = var.region
}

# ---------------------------------------------------------------- where it runs

variable "project_id" {
  description = "Google Cloud project of the Cloud Run service (and of the database it serves)."
  type        = string
}

variable "region" {
  description = "Cloud Run region, e.g. europe-west1: next to the database, since every Wix call is at least one database round trip."
  type        = string
}

variable "service_name" {
  description = "Cloud Run service name (3-27 characters); the service account is <service_name>-sa. null: wix-<engine>-adaptor."
  type        = string
  default     = null
}

variable "image" {
  description = "Image built from services/<engine>/Dockerfile (or a released one), with a pinned tag or digest, e.g. europe-west1-docker.pkg.dev/PROJECT/adaptors/spanner:0.2.0. Never :latest: the module refuses it."
  type        = string
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

variable "wix_instance_ids" {
  description = "WIX_INSTANCE_IDS: the Wix sites allowed to call, as their site instance ids, comma-separated (the status page lists the ids seen). null: every site whose calls verify with the key may read and write the data; with an app's key, every site that installs the app (docs/connections.md §4.3)."
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
  description = "STATUS_TOKEN from Secret Manager: { secret = id, version = number }; unlocks the status page's details and its self-test button. null: the page shows only its public summary."
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
  description = "Other settings, name => value (services/<engine>/DEPLOY.md lists them). Names this root sets itself, PORT/HOST (Cloud Run) and the emulator settings are refused."
  type        = map(string)
  default     = {}

  validation {
    # A misspelt name would otherwise be ignored silently.
    condition     = alltrue([for name in keys(var.extra_env) : contains(local.extra_settings, name)])
    error_message = "extra_env accepts ${join(", ", local.extra_settings)}."
  }
}

# ---------------------------------------------------------------- how Wix reaches it

variable "public_access" {
  description = "How Wix, which presents no Google identity, gets through Cloud Run: \"invoker_iam_disabled\" (default) turns Cloud Run's invoker check off for this service and works under Domain Restricted Sharing; \"all_users\" grants allUsers roles/run.invoker instead, the fallback where an organization policy requires invoker IAM. The adaptor verifies Wix's signed token on every plugin call either way."
  type        = string
  default     = "invoker_iam_disabled"
}

# ---------------------------------------------------------------- capacity

variable "min_instances" {
  description = "Instances kept warm. 1 (default) is an always-on cost: one idle instance billed every second of the month. 0 costs nothing when idle, but the first Wix call after an idle period waits for a cold start (infra/README.md \"Cost and cold starts\")."
  type        = number
  default     = 1
}

variable "max_instances" {
  description = "Most instances: caps cost and the database connections (Spanner sessions, ...); checked by the service at start (services/<engine>/DEPLOY.md \"Sizing\")."
  type        = number
  default     = 10
}

variable "concurrency" {
  description = "Requests one instance serves at once; with max_instances, checked by the service at start (services/<engine>/DEPLOY.md \"Sizing\"). null (default): the service's own default, which it accepts with the default max_instances: 80, 40 on BigQuery."
  type        = number
  default     = null
}

variable "deletion_protection" {
  description = "Protect the Cloud Run service (and a database or dataset created here) from `terraform destroy`."
  type        = bool
  default     = true
}

variable "labels" {
  description = "Labels for the service."
  type        = map(string)
  default     = {}
}

# ---------------------------------------------------------------- the service

locals {
  # Settings every service reads (packages/core/src/config/core-settings.ts), then the
  # engine's own; null = unset.
  core_env = {
    GOOGLE_CLOUD_PROJECT = var.project_id
    WIX_PUBLIC_KEYS      = var.wix_public_keys
    WIX_AUDIENCE         = var.wix_audience
    WIX_INSTANCE_IDS     = var.wix_instance_ids
    # The sizing the service checks at start (DEPLOY.md "Sizing"): the same numbers as the scaling.
    MAX_INSTANCES = tostring(var.max_instances)
    CONCURRENCY   = tostring(local.concurrency)
  }
  # One number for Cloud Run and the service: the engine's default unless set.
  concurrency = coalesce(var.concurrency, local.engine_concurrency)
  plain_env   = merge(local.engine_env, local.core_env)
  secret_env = {
    WIX_PUBLIC_KEYS = var.wix_public_keys_secret
    CURSOR_SECRET   = var.cursor_secret
    STATUS_TOKEN    = var.status_token
    # Legacy protocol (STANDALONE connections, docs/legacy.md); null = legacy mode off.
    LEGACY_SECRET_KEYS = var.legacy_secret_keys
  }
  service_name = coalesce(var.service_name, "wix-${local.engine}-adaptor")

  # What extra_env accepts: the core settings no variable sets, then the engine's.
  core_extra_settings = [
    "CLOCK_SKEW_SECONDS",
    "TOKEN_MAX_LIFETIME_SECONDS",
    "BODY_LIMIT_MB",
    "LOG_LEVEL",
    "ACCESS_POLICY",
    "REQUEST_DEADLINE_MS",
    "SHUTDOWN_GRACE_SECONDS",
  ]
  extra_settings = concat(local.core_extra_settings, local.engine_extra_settings)
}

module "service" {
  source = "../modules/adaptor-service"

  project_id    = var.project_id
  region        = var.region
  name          = local.service_name
  image         = var.image
  env           = merge(var.extra_env, { for name, value in local.plain_env : name => value if value != null })
  secret_env    = { for name, ref in local.secret_env : name => ref if ref != null }
  min_instances = var.min_instances
  max_instances = var.max_instances
  concurrency   = local.concurrency
  public_access = var.public_access
  labels        = var.labels

  deletion_protection = var.deletion_protection
  required_grants     = local.grants
}

# ---------------------------------------------------------------- outputs

output "url" {
  description = "Paste this into Wix as the external database connection's endpoint (Wix appends /v3/...)."
  value       = module.service.url
}

output "service_account_email" {
  description = "The service's identity (the root's database roles are granted to it)."
  value       = module.service.service_account_email
}

output "wix_connection" {
  description = "The connection to create in Wix (docs/connections.md): endpoint and connectionType; name it yourself."
  value = {
    endpoint       = module.service.url
    connectionType = "WIX_SERVICE_PLUGIN"
  }
}
