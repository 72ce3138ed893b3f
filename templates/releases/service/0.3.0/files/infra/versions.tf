# {{ managed_header }}
#
# Terraform and provider versions for {{ manifest.metadata.name }}'s infrastructure.
# One state per environment: `terraform init -backend-config=...` with the
# environment's S3 bucket and key, then
# `terraform plan -var-file=environments/<environment>.tfvars`.

terraform {
  required_version = ">= 1.6.0, < 2.0.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.80"
    }
  }

  # Partial configuration: bucket, key, region and dynamodb_table (or
  # use_lockfile) come from `terraform init -backend-config=...`.
  backend "s3" {}
}
