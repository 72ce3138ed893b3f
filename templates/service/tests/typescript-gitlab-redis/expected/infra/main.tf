# Managed by plat from platform.yaml (template service 0.4.0). Do not edit: change platform.yaml instead.
#
# payments-api: the container registry and the backing services (redis), on AWS.
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
# The image is pushed to registry.gitlab.com/team-payments/payments-api
# (platform.yaml infrastructure.image), which is not an AWS ECR registry:
# nothing to provision here. Point infrastructure.image.registry at
# <account>.dkr.ecr.<region>.amazonaws.com to have an ECR repository created.

# ---- network -------------------------------------------------------------------

# Each backing service gets its own security group, open only to the
# cluster's security groups on the service's port. No egress rules: Terraform
# removes AWS's default allow-all egress, and these services initiate nothing.

# ---- redis: redis (Redis 7.1) --------------------------------------

resource "aws_security_group" "redis" {
  name        = "${local.name}-redis"
  description = "Redis redis of ${local.name}: clients from the cluster only"
  vpc_id      = var.vpc_id

  ingress {
    description     = "Redis (TLS) from the cluster"
    from_port       = 6379
    to_port         = 6379
    protocol        = "tcp"
    security_groups = var.client_security_group_ids
  }
}

resource "aws_elasticache_subnet_group" "redis" {
  name        = "${local.name}-redis"
  description = "Private subnets of the redis Redis of ${local.name}"
  subnet_ids  = var.subnet_ids
}

resource "aws_cloudwatch_log_group" "redis" {
  name              = "/aws/elasticache/${local.name}-redis/slow-log"
  retention_in_days = 365
  kms_key_id        = aws_kms_key.this.arn
}

# Encrypted at rest (the service's key) and in transit (TLS only: clients use
# rediss://), with an AUTH token. With redis_multi_az (the default) the
# replicas are in other availability zones and one takes over automatically.
resource "aws_elasticache_replication_group" "redis" {
  # At most 40 characters.
  replication_group_id = trimsuffix(substr("${local.name}-redis", 0, 40), "-")
  description          = "Redis redis of ${local.name}"
  engine               = "redis"
  engine_version       = "7.1"
  node_type            = var.redis_node_type
  num_cache_clusters   = var.redis_num_cache_clusters
  port                 = 6379

  automatic_failover_enabled = var.redis_multi_az
  multi_az_enabled           = var.redis_multi_az

  subnet_group_name  = aws_elasticache_subnet_group.redis.name
  security_group_ids = [aws_security_group.redis.id]

  at_rest_encryption_enabled = true
  kms_key_id                 = aws_kms_key.this.arn
  transit_encryption_enabled = true
  transit_encryption_mode    = "required"
  auth_token                 = var.redis_auth_token

  snapshot_retention_limit   = var.redis_snapshot_retention_days
  snapshot_window            = "02:00-03:00"
  maintenance_window         = "sun:04:30-sun:05:30"
  auto_minor_version_upgrade = true
  apply_immediately          = false

  log_delivery_configuration {
    destination      = aws_cloudwatch_log_group.redis.name
    destination_type = "cloudwatch-logs"
    log_format       = "json"
    log_type         = "slow-log"
  }

  lifecycle {
    precondition {
      condition     = !var.redis_multi_az || var.redis_num_cache_clusters >= 2
      error_message = "redis_multi_az needs redis_num_cache_clusters >= 2: a primary and a replica in another availability zone."
    }
  }
}
