output "url" {
  description = "HTTPS base URL of the service: the endpoint of the Wix external database connection."
  value       = google_cloud_run_v2_service.this.uri
}

output "service_name" {
  description = "Cloud Run service name."
  value       = google_cloud_run_v2_service.this.name
}

output "service_account_email" {
  description = "Identity the service runs as; the root grants it access to its database."
  value       = google_service_account.this.email
}

output "service_account_member" {
  description = "The service account as an IAM member string (serviceAccount:...)."
  value       = google_service_account.this.member
}
