terraform {
  # Cross-variable references in variable validation need Terraform 1.9.
  required_version = ">= 1.9"

  required_providers {
    # Pinned exactly (same version as modules/adaptor-service). Run `terraform init`
    # once and commit .terraform.lock.hcl so every apply uses the same provider build.
    google = {
      source  = "hashicorp/google"
      version = "7.45.0"
    }
  }
}

provider "google" {
  project = var.project_id
  region  = var.region
}
