# Managed by plat from platform.yaml (template service 0.4.0). Do not edit: change platform.yaml instead.

# ---- where ---------------------------------------------------------------
# Platform facts that platform.yaml does not hold: the pipeline passes them per
# environment (TF_VAR_region, TF_VAR_vpc_id, ...), or add a -var-file of your own.

variable "environment" {
  description = "The environment this state belongs to: one of infrastructure.environments in platform.yaml."
  type        = string

  validation {
    condition     = contains(["staging", "prod"], var.environment)
    error_message = "environment must be one of staging, prod (platform.yaml infrastructure.environments)."
  }
}

variable "region" {
  description = "AWS region to deploy to, e.g. eu-west-1."
  type        = string
}

variable "vpc_id" {
  description = "VPC of the environment's Kubernetes cluster; the backing services are placed in it."
  type        = string
}

variable "subnet_ids" {
  description = "Private subnets (at least two, in different availability zones) for the backing services."
  type        = list(string)

  validation {
    condition     = length(var.subnet_ids) >= 2
    error_message = "subnet_ids needs at least two subnets in different availability zones."
  }
}

variable "client_security_group_ids" {
  description = "Security groups allowed to connect to the backing services: the cluster's node or pod security groups."
  type        = list(string)

  validation {
    condition     = length(var.client_security_group_ids) >= 1
    error_message = "client_security_group_ids needs at least one security group, or nothing can connect."
  }
}

# ---- postgres: postgres ------------------------------------------------

variable "postgres_instance_class" {
  description = "Instance class of the postgres PostgreSQL database."
  type        = string
  default     = "db.t4g.medium"
}

variable "postgres_allocated_storage" {
  description = "Initial storage of the postgres database, in GiB; it grows on its own up to postgres_max_allocated_storage."
  type        = number
  default     = 20
}

variable "postgres_max_allocated_storage" {
  description = "Storage autoscaling ceiling of the postgres database, in GiB."
  type        = number
  default     = 100
}

variable "postgres_multi_az" {
  description = "Whether the postgres database keeps a standby in a second availability zone."
  type        = bool
  default     = true
}

variable "postgres_backup_retention_days" {
  description = "Days of automated backups (point-in-time recovery) of the postgres database."
  type        = number
  default     = 14

  validation {
    condition     = var.postgres_backup_retention_days >= 1 && var.postgres_backup_retention_days <= 35
    error_message = "postgres_backup_retention_days must be between 1 and 35."
  }
}
