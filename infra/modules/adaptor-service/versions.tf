terraform {
  # Cross-variable references in variable validation need Terraform 1.9.
  required_version = ">= 1.9"

  required_providers {
    # Pinned exactly: a provider upgrade is a reviewed change, like a dependency bump.
    # The roots pin the same version (infra/test/terraform.test.ts checks it).
    google = {
      source  = "hashicorp/google"
      version = "7.45.0"
    }
  }
}
