# Managed by plat from platform.yaml (template service 0.4.0). Do not edit: change platform.yaml instead.
#
# payments-api: the container registry, on AWS.
# Everything is encrypted with the service's own KMS key.

provider "aws" {
  region = var.region

  default_tags {
    tags = {
      "app.kubernetes.io/name" = "payments-api"
      "plat.dev/environment"   = var.environment
      "plat.dev/owner"         = "team-payments"
      "plat.dev/managed-by"    = "plat"
    }
  }
}

data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

locals {
  name       = "payments-api-${var.environment}"
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition
}

# ---- encryption key ------------------------------------------------------------

resource "aws_kms_key" "this" {
  description             = "${local.name}: container images, databases, caches and their logs"
  enable_key_rotation     = true
  deletion_window_in_days = 30

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "AccountAdministers"
        Effect    = "Allow"
        Principal = { AWS = "arn:${local.partition}:iam::${local.account_id}:root" }
        Action    = "kms:*"
        Resource  = "*"
      },
      {
        Sid       = "CloudWatchLogsEncrypt"
        Effect    = "Allow"
        Principal = { Service = "logs.${var.region}.amazonaws.com" }
        Action = [
          "kms:Encrypt*",
          "kms:Decrypt*",
          "kms:ReEncrypt*",
          "kms:GenerateDataKey*",
          "kms:Describe*",
        ]
        Resource = "*"
        Condition = {
          ArnLike = {
            "kms:EncryptionContext:aws:logs:arn" = "arn:${local.partition}:logs:${var.region}:${local.account_id}:log-group:*"
          }
        }
      },
    ]
  })
}

resource "aws_kms_alias" "this" {
  name          = "alias/${local.name}"
  target_key_id = aws_kms_key.this.key_id
}

# ---- container registry ----------------------------------------------------------
#
# The image is pushed to ghcr.io/team-payments/payments-api
# (platform.yaml infrastructure.image), which is not an AWS ECR registry:
# nothing to provision here. Point infrastructure.image.registry at
# <account>.dkr.ecr.<region>.amazonaws.com to have an ECR repository created.
