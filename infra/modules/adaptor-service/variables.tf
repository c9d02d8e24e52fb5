variable "project_id" {
  description = "Google Cloud project that runs the service."
  type        = string
}

variable "region" {
  description = "Cloud Run region, e.g. europe-west1. Put it next to the database: every Wix call becomes at least one database round trip."
  type        = string
}

variable "name" {
  description = "Cloud Run service name; also the base of the service account id (<name>-sa)."
  type        = string

  validation {
    # 27 characters at most so that "<name>-sa" fits a service account id (6-30 characters).
    condition     = can(regex("^[a-z][-a-z0-9]{1,25}[a-z0-9]$", var.name))
    error_message = "name must be 3-27 characters: lowercase letters, digits and dashes, starting with a letter."
  }
}

variable "image" {
  description = "Container image with a pinned tag or digest, e.g. europe-west1-docker.pkg.dev/PROJECT/adaptors/spanner:0.1.0 (never :latest)."
  type        = string

  validation {
    # A moving tag lets a rebuild change live sites without a plan; Wix's reference
    # adaptor (wix/velo-external-db) broke live sites exactly that way. No tag at all means :latest too.
    condition     = can(regex("(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}|@sha256:[0-9a-f]{64})$", var.image)) && !can(regex(":latest$", var.image))
    error_message = "image must end in an explicit tag (not :latest) or an @sha256: digest."
  }
}

variable "env" {
  description = "Plain (non-secret) environment variables: setting name => value. PORT is set by Cloud Run itself."
  type        = map(string)
  default     = {}

  validation {
    # Cloud Run reserves these names and refuses a revision that sets them.
    condition     = length(setintersection(keys(var.env), ["PORT", "K_SERVICE", "K_REVISION", "K_CONFIGURATION"])) == 0
    error_message = "env must not set PORT, K_SERVICE, K_REVISION or K_CONFIGURATION (Cloud Run sets them)."
  }
}

variable "secret_env" {
  description = "Secret environment variables: setting name => { secret = Secret Manager secret id in project_id, version = a version NUMBER }. Cloud Run reads the value at instance start; Terraform never sees it."
  type = map(object({
    secret  = string
    version = string
  }))
  default = {}

  validation {
    # "latest" would let a new secret version reach running sites without a deploy,
    # and makes rollbacks ambiguous: pin the number, roll forward by changing it.
    condition     = alltrue([for ref in values(var.secret_env) : can(regex("^[1-9][0-9]*$", ref.version))])
    error_message = "secret_env versions must be version numbers (1, 2, ...), never \"latest\"."
  }

  validation {
    condition     = length(setintersection(keys(var.secret_env), keys(var.env))) == 0
    error_message = "A setting cannot be both in env and in secret_env."
  }
}

variable "required_grants" {
  description = "IDs of IAM grants the service needs before its first revision starts (the root's database roles for this service account). The service waits for them, so its startup probe does not fail on a missing role."
  type        = list(string)
  default     = []
}

variable "cpu" {
  description = "vCPUs per instance (\"1\", \"2\", ...)."
  type        = string
  default     = "1"
}

variable "memory" {
  description = "Memory per instance (e.g. \"512Mi\"). The adaptors use ~100-150 MB idle; large bulk writes need more."
  type        = string
  default     = "512Mi"
}

variable "concurrency" {
  description = "Requests served at once by one instance. The adaptors are I/O-bound (they wait on the database), so one instance serves many."
  type        = number
  default     = 80

  validation {
    condition     = var.concurrency >= 1 && var.concurrency <= 1000
    error_message = "concurrency must be between 1 and 1000."
  }
}

variable "min_instances" {
  description = "Instances kept warm. 1 (default) is an always-on cost — one idle instance billed every second — and spares the first Wix call after an idle period a cold start (Wix applies request timeouts); 0 costs nothing when idle (infra/README.md \"Cost and cold starts\")."
  type        = number
  default     = 1

  validation {
    condition     = var.min_instances >= 0
    error_message = "min_instances must be 0 or more."
  }
}

variable "max_instances" {
  description = "Upper bound on instances: caps cost and the number of database connections."
  type        = number
  default     = 10

  validation {
    condition     = var.max_instances >= 1 && var.max_instances >= var.min_instances
    error_message = "max_instances must be at least 1 and at least min_instances."
  }
}

variable "request_timeout_seconds" {
  description = "Longest a request may run before Cloud Run cuts it."
  type        = number
  default     = 60
}

variable "public_access" {
  description = "How Wix, which presents no Google identity, gets through Cloud Run: \"invoker_iam_disabled\" (default) turns the service's invoker check off and works under Domain Restricted Sharing; \"all_users\" grants allUsers roles/run.invoker, the fallback where an organization policy requires invoker IAM (see main.tf)."
  type        = string
  default     = "invoker_iam_disabled"

  validation {
    condition     = contains(["invoker_iam_disabled", "all_users"], var.public_access)
    error_message = "public_access must be \"invoker_iam_disabled\" or \"all_users\"."
  }
}

variable "deletion_protection" {
  description = "Refuse `terraform destroy` of the Cloud Run service until this is set to false and applied."
  type        = bool
  default     = true
}

variable "labels" {
  description = "Labels for the service and its revisions."
  type        = map(string)
  default     = {}
}
