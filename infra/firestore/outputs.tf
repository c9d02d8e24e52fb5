output "url" {
  description = "Paste this into Wix as the external database connection's endpoint (Wix appends /v3/...)."
  value       = module.service.url
}

output "service_account_email" {
  description = "The service's identity (roles/datastore.user, conditioned on the database)."
  value       = module.service.service_account_email
}

output "wix_connection" {
  description = "The connection to create in Wix (docs/connections.md): endpoint and connectionType; name it yourself."
  value = {
    endpoint       = module.service.url
    connectionType = "WIX_SERVICE_PLUGIN"
  }
}

output "database" {
  description = "The Firestore database the adaptor serves."
  value       = "projects/${var.project_id}/databases/${local.database_id}"
}
