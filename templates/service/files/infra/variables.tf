# {{ managed_header }}
{%- set infra = manifest.infrastructure %}
{%- set services = infra.services | default(value=[]) %}
{%- set env_names = [e.name for e in infra.environments | default(value=[])] %}
{%- set is_ecr = ".dkr.ecr." in infra.image.registry %}

# ---- where ---------------------------------------------------------------
# Platform facts that platform.yaml does not hold: the pipeline passes them per
# environment (TF_VAR_region, TF_VAR_vpc_id, ...), or add a -var-file of your own.

variable "environment" {
  description = "The environment this state belongs to: one of infrastructure.environments in platform.yaml."
  type        = string

  validation {
    condition     = contains([{% for n in env_names %}{{ n | json }}{% if not loop.last %}, {% endif %}{% endfor %}], var.environment)
    error_message = "environment must be one of {{ env_names | join(sep=", ") }} (platform.yaml infrastructure.environments)."
  }
}

variable "region" {
  description = "AWS region to deploy to, e.g. eu-west-1."
  type        = string
}
{%- if services | length > 0 %}

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
{%- endif %}
{%- if is_ecr %}

# ---- container registry ----------------------------------------------------

variable "manage_registry" {
  description = "Whether this environment's state owns the ECR repository. Images are built once and promoted, so only one environment (the first) creates it."
  type        = bool
  default     = false
}
{%- endif %}
{%- for svc in services %}
{%- set svc_name = svc.name | default(value=svc.kind) %}
{%- set id = svc_name | snake_case %}
{%- if svc.kind == "postgres" %}

# ---- postgres: {{ svc_name }} ------------------------------------------------

variable "{{ id }}_instance_class" {
  description = "Instance class of the {{ svc_name }} PostgreSQL database."
  type        = string
  default     = "db.t4g.medium"
}

variable "{{ id }}_allocated_storage" {
  description = "Initial storage of the {{ svc_name }} database, in GiB; it grows on its own up to {{ id }}_max_allocated_storage."
  type        = number
  default     = 20
}

variable "{{ id }}_max_allocated_storage" {
  description = "Storage autoscaling ceiling of the {{ svc_name }} database, in GiB."
  type        = number
  default     = 100
}

variable "{{ id }}_multi_az" {
  description = "Whether the {{ svc_name }} database keeps a standby in a second availability zone."
  type        = bool
  default     = true
}

variable "{{ id }}_backup_retention_days" {
  description = "Days of automated backups (point-in-time recovery) of the {{ svc_name }} database."
  type        = number
  default     = 14

  validation {
    condition     = var.{{ id }}_backup_retention_days >= 1 && var.{{ id }}_backup_retention_days <= 35
    error_message = "{{ id }}_backup_retention_days must be between 1 and 35."
  }
}
{%- elif svc.kind == "redis" %}

# ---- redis: {{ svc_name }} ---------------------------------------------------

variable "{{ id }}_node_type" {
  description = "Node type of the {{ svc_name }} Redis replication group."
  type        = string
  default     = "cache.t4g.small"
}

variable "{{ id }}_num_cache_clusters" {
  description = "Nodes in the {{ svc_name }} replication group: a primary and its replicas."
  type        = number
  default     = 2

  validation {
    condition     = var.{{ id }}_num_cache_clusters >= 1 && var.{{ id }}_num_cache_clusters <= 6
    error_message = "{{ id }}_num_cache_clusters must be between 1 and 6."
  }
}

variable "{{ id }}_multi_az" {
  description = "Whether the {{ svc_name }} replicas sit in other availability zones and take over automatically when the primary fails (needs {{ id }}_num_cache_clusters >= 2)."
  type        = bool
  default     = true
}

variable "{{ id }}_snapshot_retention_days" {
  description = "Days of daily snapshots of the {{ svc_name }} replication group."
  type        = number
  default     = 7
}

variable "{{ id }}_auth_token" {
  description = "AUTH token of the {{ svc_name }} Redis (16 to 128 printable characters, no /, \" or @). A secret: pass it as TF_VAR_{{ id }}_auth_token from the pipeline's secret store, never in a file."
  type        = string
  sensitive   = true

  validation {
    condition     = length(var.{{ id }}_auth_token) >= 16 && length(var.{{ id }}_auth_token) <= 128 && can(regex("^[^/\"@[:space:]]+$", var.{{ id }}_auth_token))
    error_message = "{{ id }}_auth_token must be 16 to 128 characters without spaces, /, \" or @."
  }
}
{%- endif %}
{%- endfor %}
