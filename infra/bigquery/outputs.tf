output "url" {
  description = "Paste this into Wix as the external database connection's endpoint (Wix appends /v3/...)."
  value       = module.service.url
}

output "service_account_email" {
  description = "The service's identity (roles/bigquery.dataEditor on the dataset, roles/bigquery.jobUser on the project)."
  value       = module.service.service_account_email
}

output "wix_connection" {
  description = "The connection to create in Wix (docs/connections.md): endpoint and connectionType; name it yourself."
  value = {
    endpoint       = module.service.url
    connectionType = "WIX_SERVICE_PLUGIN"
  }
}

output "dataset" {
  description = "The BigQuery dataset the adaptor serves."
  value       = "${var.project_id}.${local.dataset_id}"
}
