# Managed by plat from platform.yaml (template service 0.4.0). Do not edit: change platform.yaml instead.
#
# dev (development sizes). Region, network and secrets are not here:
# the pipeline passes them (TF_VAR_region, TF_VAR_vpc_id, ...).
#   terraform plan -var-file=environments/dev.tfvars

environment = "dev"

postgres_instance_class        = "db.t4g.medium"
postgres_allocated_storage     = 20
postgres_max_allocated_storage = 50
postgres_multi_az              = false
postgres_backup_retention_days = 3

redis_node_type               = "cache.t4g.micro"
redis_num_cache_clusters      = 1
redis_multi_az                = false
redis_snapshot_retention_days = 1
