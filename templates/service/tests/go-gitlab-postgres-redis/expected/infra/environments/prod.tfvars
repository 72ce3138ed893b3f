# Managed by plat from platform.yaml (template service 0.4.0). Do not edit: change platform.yaml instead.
#
# prod (production sizes). Region, network and secrets are not here:
# the pipeline passes them (TF_VAR_region, TF_VAR_vpc_id, ...).
#   terraform plan -var-file=environments/prod.tfvars

environment = "prod"

postgres_instance_class        = "db.r6g.large"
postgres_allocated_storage     = 100
postgres_max_allocated_storage = 500
postgres_multi_az              = true
postgres_backup_retention_days = 30

redis_node_type               = "cache.r7g.large"
redis_num_cache_clusters      = 3
redis_multi_az                = true
redis_snapshot_retention_days = 14
