# The outputs every root has (url, wix_connection, ...) are in adaptor.tf.

output "dataset" {
  description = "The BigQuery dataset the adaptor serves."
  value       = "${var.project_id}.${local.dataset_id}"
}
