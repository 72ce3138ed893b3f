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
