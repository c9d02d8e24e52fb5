# The outputs every root has (url, wix_connection, ...) are in adaptor.tf.

output "database" {
  description = "The Firestore database the adaptor serves."
  value       = "projects/${var.project_id}/databases/${local.database_id}"
}
