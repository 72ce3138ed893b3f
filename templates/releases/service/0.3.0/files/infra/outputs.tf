# {{ managed_header }}
{%- set infra = manifest.infrastructure %}
{%- set services = infra.services | default(value=[]) %}
{%- set is_ecr = ".dkr.ecr." in infra.image.registry %}

output "kms_key_arn" {
  description = "KMS key that encrypts the service's images, data and logs."
  value       = aws_kms_key.this.arn
}
{%- if is_ecr %}

output "repository_url" {
  description = "URL of the ECR repository (null in environments that do not manage it)."
  value       = one(aws_ecr_repository.this[*].repository_url)
}
{%- endif %}
{%- for svc in services %}
{%- set svc_name = svc.name | default(value=svc.kind) %}
{%- set id = svc_name | snake_case %}
{%- if svc.kind == "postgres" %}

# The Secret {{ manifest.metadata.name }}-{{ svc_name }} (key url) of the Kubernetes deployment is
# built from these (e.g. by External Secrets): DATABASE_URL =
# postgres://<user>:<password>@<address>:<port>/<db_name>?sslmode=verify-full

output "{{ id }}_address" {
  description = "Host name of the {{ svc_name }} database."
  value       = aws_db_instance.{{ id }}.address
}

output "{{ id }}_port" {
  description = "Port of the {{ svc_name }} database."
  value       = aws_db_instance.{{ id }}.port
}

output "{{ id }}_db_name" {
  description = "Database name in the {{ svc_name }} instance."
  value       = aws_db_instance.{{ id }}.db_name
}

output "{{ id }}_master_user_secret_arn" {
  description = "Secrets Manager secret holding the {{ svc_name }} master user name and password (rotated by RDS)."
  value       = aws_db_instance.{{ id }}.master_user_secret[0].secret_arn
}
{%- elif svc.kind == "redis" %}

# The Secret {{ manifest.metadata.name }}-{{ svc_name }} (key url) of the Kubernetes deployment is
# built from these and the AUTH token: REDIS_URL =
# rediss://:<auth token>@<primary endpoint>:<port>

output "{{ id }}_primary_endpoint" {
  description = "Primary (read-write) endpoint of the {{ svc_name }} Redis."
  value       = aws_elasticache_replication_group.{{ id }}.primary_endpoint_address
}

output "{{ id }}_reader_endpoint" {
  description = "Reader endpoint of the {{ svc_name }} Redis."
  value       = aws_elasticache_replication_group.{{ id }}.reader_endpoint_address
}

output "{{ id }}_port" {
  description = "Port of the {{ svc_name }} Redis (TLS)."
  value       = aws_elasticache_replication_group.{{ id }}.port
}
{%- endif %}
{%- endfor %}
