# Managed by plat from platform.yaml (template service 0.4.0). Do not edit: change platform.yaml instead.

output "kms_key_arn" {
  description = "KMS key that encrypts the service's images, data and logs."
  value       = aws_kms_key.this.arn
}

# The Secret payments-api-postgres (key url) of the Kubernetes deployment is
# built from these (e.g. by External Secrets): DATABASE_URL =
# postgres://<user>:<password>@<address>:<port>/<db_name>?sslmode=verify-full

output "postgres_address" {
  description = "Host name of the postgres database."
  value       = aws_db_instance.postgres.address
}

output "postgres_port" {
  description = "Port of the postgres database."
  value       = aws_db_instance.postgres.port
}

output "postgres_db_name" {
  description = "Database name in the postgres instance."
  value       = aws_db_instance.postgres.db_name
}

output "postgres_master_user_secret_arn" {
  description = "Secrets Manager secret holding the postgres master user name and password (rotated by RDS)."
  value       = aws_db_instance.postgres.master_user_secret[0].secret_arn
}
