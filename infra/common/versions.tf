# The one Terraform and provider pin of infra/: linked as versions.tf into every root and
# into modules/adaptor-service, so they cannot disagree.
terraform {
  # Cross-object references in variable validation need Terraform 1.9.
  required_version = ">= 1.9"

  required_providers {
    # Pinned exactly: a provider upgrade is a reviewed change, like a dependency bump
    # (infra/test/provider-schema holds this version's schema for the offline checks).
    # Run `terraform init` once per root and commit .terraform.lock.hcl so every apply
    # uses the same provider build.
    google = {
      source  = "hashicorp/google"
      version = "7.45.0"
    }
  }
}
