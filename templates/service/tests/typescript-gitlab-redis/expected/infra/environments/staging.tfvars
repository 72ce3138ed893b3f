# Managed by plat from platform.yaml (template service 0.4.0). Do not edit: change platform.yaml instead.
#
# staging (pre-production sizes). Region, network and secrets are not here:
# the pipeline passes them (TF_VAR_region, TF_VAR_vpc_id, ...).
#   terraform plan -var-file=environments/staging.tfvars

environment = "staging"

redis_node_type               = "cache.t4g.small"
redis_num_cache_clusters      = 2
redis_multi_az                = true
redis_snapshot_retention_days = 7
