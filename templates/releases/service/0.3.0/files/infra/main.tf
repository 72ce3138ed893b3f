# {{ managed_header }}
{%- set infra = manifest.infrastructure %}
{%- set app = manifest.metadata.name %}
{%- set services = infra.services | default(value=[]) %}
{%- set kinds = [s.kind for s in services] %}
{%- set is_ecr = ".dkr.ecr." in infra.image.registry %}
#
# {{ app }}: the container registry{% if services | length > 0 %} and the backing services ({{ kinds | join(sep=", ") }}){% endif %}, on AWS.
# Everything is encrypted with the service's own KMS key.

provider "aws" {
  region = var.region

  default_tags {
    tags = {
      "app.kubernetes.io/name" = "{{ app }}"
      "plat.dev/environment"   = var.environment
      "plat.dev/owner"         = {{ manifest.metadata.owner | json }}
      "plat.dev/managed-by"    = "plat"
    }
  }
}

data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

locals {
  name       = "{{ app }}-${var.environment}"
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
{%- if is_ecr %}
{%- set ecr_prefix = (infra.image.registry | split(pat="/"))[1:] | join(sep="/") %}
{%- set ecr_name = ecr_prefix ~ "/" ~ infra.image.repository if ecr_prefix else infra.image.repository %}

# Images are built once and promoted through the environments, so the
# repository belongs to one state only (var.manage_registry). Tags are
# immutable: a tag always means the same image.
resource "aws_ecr_repository" "this" {
  count = var.manage_registry ? 1 : 0

  name                 = "{{ ecr_name }}"
  image_tag_mutability = "IMMUTABLE"

  image_scanning_configuration {
    scan_on_push = true
  }

  encryption_configuration {
    encryption_type = "KMS"
    kms_key         = aws_kms_key.this.arn
  }
}

resource "aws_ecr_lifecycle_policy" "this" {
  count = var.manage_registry ? 1 : 0

  repository = aws_ecr_repository.this[0].name
  policy = jsonencode({
    rules = [
      {
        rulePriority = 1
        description  = "Expire untagged images after 14 days"
        selection = {
          tagStatus   = "untagged"
          countType   = "sinceImagePushed"
          countUnit   = "days"
          countNumber = 14
        }
        action = { type = "expire" }
      },
    ]
  })
}
{%- else %}
#
# The image is pushed to {{ infra.image.registry }}/{{ infra.image.repository }}
# (platform.yaml infrastructure.image), which is not an AWS ECR registry:
# nothing to provision here. Point infrastructure.image.registry at
# <account>.dkr.ecr.<region>.amazonaws.com to have an ECR repository created.
{%- endif %}
{%- if services | length > 0 %}

# ---- network -------------------------------------------------------------------

# Each backing service gets its own security group, open only to the
# cluster's security groups on the service's port. No egress rules: Terraform
# removes AWS's default allow-all egress, and these services initiate nothing.
{%- endif %}
{%- for svc in services %}
{%- set svc_name = svc.name | default(value=svc.kind) %}
{%- set id = svc_name | snake_case %}
{%- if svc.kind == "postgres" %}
{%- set major = svc.version | default(value="16") %}

# ---- postgres: {{ svc_name }} (PostgreSQL {{ major }}) ------------------------------

resource "aws_security_group" "{{ id }}" {
  name        = "${local.name}-{{ svc_name }}"
  description = "PostgreSQL {{ svc_name }} of ${local.name}: clients from the cluster only"
  vpc_id      = var.vpc_id

  ingress {
    description     = "PostgreSQL from the cluster"
    from_port       = 5432
    to_port         = 5432
    protocol        = "tcp"
    security_groups = var.client_security_group_ids
  }
}

resource "aws_db_subnet_group" "{{ id }}" {
  name        = "${local.name}-{{ svc_name }}"
  description = "Private subnets of the {{ svc_name }} database of ${local.name}"
  subnet_ids  = var.subnet_ids
}

# TLS is mandatory (rds.force_ssl); connections, disconnections, DDL and
# statements slower than a second are logged.
resource "aws_db_parameter_group" "{{ id }}" {
  name        = "${local.name}-{{ svc_name }}"
  family      = "postgres{{ major }}"
  description = "Parameters of the {{ svc_name }} database of ${local.name}"

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
resource "aws_cloudwatch_log_group" "{{ id }}" {
  for_each = toset(["postgresql", "upgrade"])

  name              = "/aws/rds/instance/${local.name}-{{ svc_name }}/${each.key}"
  retention_in_days = 365
  kms_key_id        = aws_kms_key.this.arn
}

resource "aws_iam_role" "{{ id }}_monitoring" {
  name = "${local.name}-{{ svc_name }}-rds-monitoring"
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

resource "aws_iam_role_policy_attachment" "{{ id }}_monitoring" {
  role       = aws_iam_role.{{ id }}_monitoring.name
  policy_arn = "arn:${local.partition}:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole"
}

resource "aws_db_instance" "{{ id }}" {
  identifier     = "${local.name}-{{ svc_name }}"
  engine         = "postgres"
  engine_version = "{{ major }}"
  instance_class = var.{{ id }}_instance_class

  db_name  = "{{ app | snake_case }}"
  username = "service_admin"
  # RDS generates the master password and keeps it in Secrets Manager,
  # encrypted with the service's key; it never appears in Terraform state.
  manage_master_user_password         = true
  master_user_secret_kms_key_id       = aws_kms_key.this.key_id
  iam_database_authentication_enabled = true

  allocated_storage     = var.{{ id }}_allocated_storage
  max_allocated_storage = var.{{ id }}_max_allocated_storage
  storage_type          = "gp3"
  storage_encrypted     = true
  kms_key_id            = aws_kms_key.this.arn

  db_subnet_group_name   = aws_db_subnet_group.{{ id }}.name
  vpc_security_group_ids = [aws_security_group.{{ id }}.id]
  parameter_group_name   = aws_db_parameter_group.{{ id }}.name
  publicly_accessible    = false
  multi_az               = var.{{ id }}_multi_az
  ca_cert_identifier     = "rds-ca-rsa2048-g1"

  backup_retention_period   = var.{{ id }}_backup_retention_days
  backup_window             = "02:00-03:00"
  maintenance_window        = "sun:03:30-sun:04:30"
  copy_tags_to_snapshot     = true
  delete_automated_backups  = false
  deletion_protection       = true
  skip_final_snapshot       = false
  final_snapshot_identifier = "${local.name}-{{ svc_name }}-final"

  auto_minor_version_upgrade  = true
  allow_major_version_upgrade = false
  apply_immediately           = false

  enabled_cloudwatch_logs_exports       = ["postgresql", "upgrade"]
  monitoring_interval                   = 60
  monitoring_role_arn                   = aws_iam_role.{{ id }}_monitoring.arn
  performance_insights_enabled          = true
  performance_insights_kms_key_id       = aws_kms_key.this.arn
  performance_insights_retention_period = 7

  depends_on = [
    aws_cloudwatch_log_group.{{ id }},
    aws_iam_role_policy_attachment.{{ id }}_monitoring,
  ]
}
{%- elif svc.kind == "redis" %}
{%- set major = svc.version | default(value="7") %}
{%- set engine_version = {"6": "6.2", "7": "7.1"} | get(key=major, default=major) %}

# ---- redis: {{ svc_name }} (Redis {{ engine_version }}) --------------------------------------

resource "aws_security_group" "{{ id }}" {
  name        = "${local.name}-{{ svc_name }}"
  description = "Redis {{ svc_name }} of ${local.name}: clients from the cluster only"
  vpc_id      = var.vpc_id

  ingress {
    description     = "Redis (TLS) from the cluster"
    from_port       = 6379
    to_port         = 6379
    protocol        = "tcp"
    security_groups = var.client_security_group_ids
  }
}

resource "aws_elasticache_subnet_group" "{{ id }}" {
  name        = "${local.name}-{{ svc_name }}"
  description = "Private subnets of the {{ svc_name }} Redis of ${local.name}"
  subnet_ids  = var.subnet_ids
}

resource "aws_cloudwatch_log_group" "{{ id }}" {
  name              = "/aws/elasticache/${local.name}-{{ svc_name }}/slow-log"
  retention_in_days = 365
  kms_key_id        = aws_kms_key.this.arn
}

# Encrypted at rest (the service's key) and in transit (TLS only: clients use
# rediss://), with an AUTH token. With {{ id }}_multi_az (the default) the
# replicas are in other availability zones and one takes over automatically.
resource "aws_elasticache_replication_group" "{{ id }}" {
  # At most 40 characters.
  replication_group_id = trimsuffix(substr("${local.name}-{{ svc_name }}", 0, 40), "-")
  description          = "Redis {{ svc_name }} of ${local.name}"
  engine               = "redis"
  engine_version       = "{{ engine_version }}"
  node_type            = var.{{ id }}_node_type
  num_cache_clusters   = var.{{ id }}_num_cache_clusters
  port                 = 6379

  automatic_failover_enabled = var.{{ id }}_multi_az
  multi_az_enabled           = var.{{ id }}_multi_az

  subnet_group_name  = aws_elasticache_subnet_group.{{ id }}.name
  security_group_ids = [aws_security_group.{{ id }}.id]

  at_rest_encryption_enabled = true
  kms_key_id                 = aws_kms_key.this.arn
  transit_encryption_enabled = true
{%- if engine_version is starting_with(pat="7") %}
  transit_encryption_mode    = "required"
{%- endif %}
  auth_token                 = var.{{ id }}_auth_token

  snapshot_retention_limit   = var.{{ id }}_snapshot_retention_days
  snapshot_window            = "02:00-03:00"
  maintenance_window         = "sun:04:30-sun:05:30"
  auto_minor_version_upgrade = true
  apply_immediately          = false

  log_delivery_configuration {
    destination      = aws_cloudwatch_log_group.{{ id }}.name
    destination_type = "cloudwatch-logs"
    log_format       = "json"
    log_type         = "slow-log"
  }

  lifecycle {
    precondition {
      condition     = !var.{{ id }}_multi_az || var.{{ id }}_num_cache_clusters >= 2
      error_message = "{{ id }}_multi_az needs {{ id }}_num_cache_clusters >= 2: a primary and a replica in another availability zone."
    }
  }
}
{%- else %}

# ---- {{ svc.kind }}: {{ svc_name }} ----------------------------------------------------
# Not provisioned by the service template ({{ template.name }} {{ template.version }}): it provisions
# postgres and redis only. Provision {{ svc_name }} separately and give the
# service its URL through the Secret {{ app }}-{{ svc_name }} (key url).
{%- endif %}
{%- endfor %}
