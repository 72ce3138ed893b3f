# Managed by plat from platform.yaml (template service 0.4.0). Do not edit: change platform.yaml instead.

# ---- where ---------------------------------------------------------------
# Platform facts that platform.yaml does not hold: the pipeline passes them per
# environment (TF_VAR_region, TF_VAR_vpc_id, ...), or add a -var-file of your own.

variable "environment" {
  description = "The environment this state belongs to: one of infrastructure.environments in platform.yaml."
  type        = string

  validation {
    condition     = contains(["dev", "staging", "prod"], var.environment)
    error_message = "environment must be one of dev, staging, prod (platform.yaml infrastructure.environments)."
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

# ---- redis: redis ---------------------------------------------------

variable "redis_node_type" {
  description = "Node type of the redis Redis replication group."
  type        = string
  default     = "cache.t4g.small"
}

variable "redis_num_cache_clusters" {
  description = "Nodes in the redis replication group: a primary and its replicas."
  type        = number
  default     = 2

  validation {
    condition     = var.redis_num_cache_clusters >= 1 && var.redis_num_cache_clusters <= 6
    error_message = "redis_num_cache_clusters must be between 1 and 6."
  }
}

variable "redis_multi_az" {
  description = "Whether the redis replicas sit in other availability zones and take over automatically when the primary fails (needs redis_num_cache_clusters >= 2)."
  type        = bool
  default     = true
}

variable "redis_snapshot_retention_days" {
  description = "Days of daily snapshots of the redis replication group."
  type        = number
  default     = 7
}

variable "redis_auth_token" {
  description = "AUTH token of the redis Redis (16 to 128 printable characters, no /, \" or @). A secret: pass it as TF_VAR_redis_auth_token from the pipeline's secret store, never in a file."
  type        = string
  sensitive   = true

  validation {
    condition     = length(var.redis_auth_token) >= 16 && length(var.redis_auth_token) <= 128 && can(regex("^[^/\"@[:space:]]+$", var.redis_auth_token))
    error_message = "redis_auth_token must be 16 to 128 characters without spaces, /, \" or @."
  }
}
