# The outputs every root has (url, wix_connection, ...) are in adaptor.tf.

output "database" {
  description = "The Spanner database the adaptor serves."
  value       = "projects/${var.project_id}/instances/${var.spanner_instance}/databases/${local.database_id}"
}
