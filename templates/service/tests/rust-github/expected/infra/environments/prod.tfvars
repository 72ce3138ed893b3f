# Managed by plat from platform.yaml (template service 0.4.0). Do not edit: change platform.yaml instead.
#
# prod (production sizes). Region, network and secrets are not here:
# the pipeline passes them (TF_VAR_region, TF_VAR_vpc_id, ...).
#   terraform plan -var-file=environments/prod.tfvars

environment = "prod"
