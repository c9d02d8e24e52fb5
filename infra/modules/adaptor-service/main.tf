# One adaptor as a Cloud Run service: its own service account, read access to exactly
# the secrets it uses, and a public endpoint that Wix calls with signed requests.
# The root that calls this module grants the service account access to its database.

locals {
  # The image listens on $PORT; Cloud Run sets PORT from this value.
  port = 8080

  # One IAM binding per distinct secret, even when two settings share a secret.
  secret_ids = toset([for ref in values(var.secret_env) : ref.secret])
}

# A dedicated identity per service: the database roles granted to it (by the root)
# reach this service only, never the project's default compute service account.
resource "google_service_account" "this" {
  project      = var.project_id
  account_id   = "${var.name}-sa"
  display_name = "Wix adaptor ${var.name} (Cloud Run)"
  description  = "Runs the ${var.name} Cloud Run service; managed by Terraform (infra/modules/adaptor-service)."
}

# Read access per secret, on the secret itself: a project-wide secretAccessor would
# let this service read every secret of the project.
resource "google_secret_manager_secret_iam_member" "accessor" {
  for_each = local.secret_ids

  project   = var.project_id
  secret_id = each.value
  role      = "roles/secretmanager.secretAccessor"
  member    = google_service_account.this.member
}

# The root grants database roles to this module's service account, and the service's
# startup probe needs them: this node orders "grants, then service" without a cycle
# (service account -> root grants -> this -> service).
resource "terraform_data" "required_grants" {
  input = var.required_grants
}

resource "google_cloud_run_v2_service" "this" {
  project             = var.project_id
  location            = var.region
  name                = var.name
  ingress             = "INGRESS_TRAFFIC_ALL" # Wix calls from the internet.
  deletion_protection = var.deletion_protection
  labels              = var.labels
  # How Wix gets through Cloud Run's IAM check (see "public_access" below).
  invoker_iam_disabled = var.public_access == "invoker_iam_disabled"

  template {
    service_account                  = google_service_account.this.email
    max_instance_request_concurrency = var.concurrency
    timeout                          = "${var.request_timeout_seconds}s"
    labels                           = var.labels

    scaling {
      min_instance_count = var.min_instances
      max_instance_count = var.max_instances
    }

    containers {
      image = var.image

      ports {
        container_port = local.port
      }

      resources {
        limits = {
          cpu    = var.cpu
          memory = var.memory
        }
        # Extra CPU while an instance starts: module loading and client setup are
        # CPU-bound, and Wix waits on the first call of a cold instance.
        startup_cpu_boost = true
        # CPU only while requests are served (request-based billing); the adaptors
        # do no background work between requests.
        cpu_idle = true
      }

      dynamic "env" {
        for_each = var.env
        content {
          name  = env.key
          value = env.value
        }
      }

      # Secrets by reference with a pinned version: Cloud Run injects the value at
      # instance start, so it never appears in Terraform state, plan output or the
      # revision's configuration.
      dynamic "env" {
        for_each = var.secret_env
        content {
          name = env.key
          value_source {
            secret_key_ref {
              secret  = env.value.secret
              version = env.value.version
            }
          }
        }
      }

      # Traffic only once the storage answers: GET /readyz checks the database, so a
      # revision that cannot reach its database (wrong id, missing role) never takes
      # traffic and the deploy fails with the reason in the logs.
      startup_probe {
        http_get {
          path = "/readyz"
          port = local.port
        }
        # /readyz gives the database 5 s; allow a cold client 2 minutes in all.
        initial_delay_seconds = 0
        period_seconds        = 5
        timeout_seconds       = 5
        failure_threshold     = 24
      }

      # Restart only a process that stopped answering: GET /healthz does not touch the
      # database, so a database outage does not turn into a restart storm.
      liveness_probe {
        http_get {
          path = "/healthz"
          port = local.port
        }
        period_seconds    = 30
        timeout_seconds   = 5
        failure_threshold = 3
      }
    }
  }

  # Cloud Run checks the service account can read each secret when it creates the
  # revision, and /readyz needs the database roles: grant first.
  depends_on = [google_secret_manager_secret_iam_member.accessor, terraform_data.required_grants]
}

# Wix cannot present a Google identity token, so Cloud Run's IAM check must let every
# caller through. Access control is the adaptor's own: every plugin route verifies the
# JWT that Wix signs with the connection's key (WIX_PUBLIC_KEYS) and answers 401
# otherwise; only /, /status.json, /healthz, /readyz and /v3/provision are unsigned.
#
# public_access = "invoker_iam_disabled" (default): the service's invoker check is off
# (invoker_iam_disabled above). No IAM binding names allUsers, so it works where Domain
# Restricted Sharing (iam.allowedPolicyMemberDomains) forbids allUsers bindings.
# public_access = "all_users": the fallback for organizations that enforce invoker IAM
# (run.managed.requireInvokerIam): allUsers gets roles/run.invoker.
resource "google_cloud_run_v2_service_iam_member" "public" {
  count = var.public_access == "all_users" ? 1 : 0

  project  = var.project_id
  location = google_cloud_run_v2_service.this.location
  name     = google_cloud_run_v2_service.this.name
  role     = "roles/run.invoker"
  member   = "allUsers"
}
