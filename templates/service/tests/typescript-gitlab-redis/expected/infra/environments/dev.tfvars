# Managed by plat from platform.yaml (template service 0.4.0). Do not edit: change platform.yaml instead.
#
# dev (development sizes). Region, network and secrets are not here:
# the pipeline passes them (TF_VAR_region, TF_VAR_vpc_id, ...).
#   terraform plan -var-file=environments/dev.tfvars

environment = "dev"

redis_node_type               = "cache.t4g.micro"
redis_num_cache_clusters      = 1
redis_multi_az                = false
redis_snapshot_retention_days = 1
