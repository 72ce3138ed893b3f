# {{ managed_header }}
{%- set infra = manifest.infrastructure %}
{%- set services = infra.services | default(value=[]) %}
{%- set is_ecr = ".dkr.ecr." in infra.image.registry %}
{#- Sizes by kind of environment: production (needs an approval to deploy,
    or is called prod) is the largest; development (called dev, or the first
    of several) is small and single-zone; the others sit in between. #}
{%- set first = infra.environments[0].name == env.name %}
{%- if env.approval | default(value=false) or env.name in ["prod", "production"] %}
{%- set tier = "production" %}
{%- elif env.name in ["dev", "development"] or (first and infra.environments | length > 1) %}
{%- set tier = "development" %}
{%- else %}
{%- set tier = "pre-production" %}
{%- endif %}
#
# {{ env.name }} ({{ tier }} sizes). Region, network and secrets are not here:
# the pipeline passes them (TF_VAR_region, TF_VAR_vpc_id, ...).
#   terraform plan -var-file=environments/{{ env.name }}.tfvars

environment = "{{ env.name }}"
{%- if is_ecr %}

# Images are built once and promoted: the first environment owns the registry.
manage_registry = {{ first }}
{%- endif %}
{%- for svc in services %}
{%- set id = svc.name | default(value=svc.kind) | snake_case %}
{%- if svc.kind == "postgres" %}

{{ id }}_instance_class        = "{{ {"development": "db.t4g.medium", "pre-production": "db.t4g.large", "production": "db.r6g.large"}[tier] }}"
{{ id }}_allocated_storage     = {{ {"development": 20, "pre-production": 20, "production": 100}[tier] }}
{{ id }}_max_allocated_storage = {{ {"development": 50, "pre-production": 100, "production": 500}[tier] }}
{{ id }}_multi_az              = {{ tier != "development" }}
{{ id }}_backup_retention_days = {{ {"development": 3, "pre-production": 7, "production": 30}[tier] }}
{%- elif svc.kind == "redis" %}

{{ id }}_node_type               = "{{ {"development": "cache.t4g.micro", "pre-production": "cache.t4g.small", "production": "cache.r7g.large"}[tier] }}"
{{ id }}_num_cache_clusters      = {{ {"development": 1, "pre-production": 2, "production": 3}[tier] }}
{{ id }}_multi_az                = {{ tier != "development" }}
{{ id }}_snapshot_retention_days = {{ {"development": 1, "pre-production": 7, "production": 14}[tier] }}
{%- endif %}
{%- endfor %}
