# Managed by plat from platform.yaml (template service 0.4.0). Do not edit: change platform.yaml instead.
#
# payments-api: the container registry and the backing services (postgres), on AWS.
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

# ---- network -------------------------------------------------------------------

# Each backing service gets its own security group, open only to the
# cluster's security groups on the service's port. No egress rules: Terraform
# removes AWS's default allow-all egress, and these services initiate nothing.

# ---- postgres: postgres (PostgreSQL 16) ------------------------------

resource "aws_security_group" "postgres" {
  name        = "${local.name}-postgres"
  description = "PostgreSQL postgres of ${local.name}: clients from the cluster only"
  vpc_id      = var.vpc_id

  ingress {
    description     = "PostgreSQL from the cluster"
    from_port       = 5432
    to_port         = 5432
    protocol        = "tcp"
    security_groups = var.client_security_group_ids
  }
}

resource "aws_db_subnet_group" "postgres" {
  name        = "${local.name}-postgres"
  description = "Private subnets of the postgres database of ${local.name}"
  subnet_ids  = var.subnet_ids
}

# TLS is mandatory (rds.force_ssl); connections, disconnections, DDL and
# statements slower than a second are logged.
resource "aws_db_parameter_group" "postgres" {
  name        = "${local.name}-postgres"
  family      = "postgres16"
  description = "Parameters of the postgres database of ${local.name}"

  parameter {
    name  = "rds.force_ssl"
    value = "1"
  }

  parameter {
    name  = "log_connections"
    value = "1"
  }

  parameter {
    name  = "log_disconnections"
    value = "1"
  }

  parameter {
    name  = "log_statement"
    value = "ddl"
  }

  parameter {
    name  = "log_min_duration_statement"
    value = "1000"
  }
}

# RDS writes the instance's logs here; created first so they are encrypted
# and expire.
resource "aws_cloudwatch_log_group" "postgres" {
  for_each = toset(["postgresql", "upgrade"])

  name              = "/aws/rds/instance/${local.name}-postgres/${each.key}"
  retention_in_days = 365
  kms_key_id        = aws_kms_key.this.arn
}

resource "aws_iam_role" "postgres_monitoring" {
  name = "${local.name}-postgres-rds-monitoring"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect    = "Allow"
        Principal = { Service = "monitoring.rds.amazonaws.com" }
        Action    = "sts:AssumeRole"
      },
    ]
  })
}

resource "aws_iam_role_policy_attachment" "postgres_monitoring" {
  role       = aws_iam_role.postgres_monitoring.name
  policy_arn = "arn:${local.partition}:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole"
}

resource "aws_db_instance" "postgres" {
  identifier     = "${local.name}-postgres"
  engine         = "postgres"
  engine_version = "16"
  instance_class = var.postgres_instance_class

  db_name  = "payments_api"
  username = "service_admin"
  # RDS generates the master password and keeps it in Secrets Manager,
  # encrypted with the service's key; it never appears in Terraform state.
  manage_master_user_password         = true
  master_user_secret_kms_key_id       = aws_kms_key.this.key_id
  iam_database_authentication_enabled = true

  allocated_storage     = var.postgres_allocated_storage
  max_allocated_storage = var.postgres_max_allocated_storage
  storage_type          = "gp3"
  storage_encrypted     = true
  kms_key_id            = aws_kms_key.this.arn

  db_subnet_group_name   = aws_db_subnet_group.postgres.name
  vpc_security_group_ids = [aws_security_group.postgres.id]
  parameter_group_name   = aws_db_parameter_group.postgres.name
  publicly_accessible    = false
  multi_az               = var.postgres_multi_az
  ca_cert_identifier     = "rds-ca-rsa2048-g1"

  backup_retention_period   = var.postgres_backup_retention_days
  backup_window             = "02:00-03:00"
  maintenance_window        = "sun:03:30-sun:04:30"
  copy_tags_to_snapshot     = true
  delete_automated_backups  = false
  deletion_protection       = true
  skip_final_snapshot       = false
  final_snapshot_identifier = "${local.name}-postgres-final"

  auto_minor_version_upgrade  = true
  allow_major_version_upgrade = false
  apply_immediately           = false

  enabled_cloudwatch_logs_exports       = ["postgresql", "upgrade"]
  monitoring_interval                   = 60
  monitoring_role_arn                   = aws_iam_role.postgres_monitoring.arn
  performance_insights_enabled          = true
  performance_insights_kms_key_id       = aws_kms_key.this.arn
  performance_insights_retention_period = 7

  depends_on = [
    aws_cloudwatch_log_group.postgres,
    aws_iam_role_policy_attachment.postgres_monitoring,
  ]
}
