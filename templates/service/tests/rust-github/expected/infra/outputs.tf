# Managed by plat from platform.yaml (template service 0.4.0). Do not edit: change platform.yaml instead.

output "kms_key_arn" {
  description = "KMS key that encrypts the service's images, data and logs."
  value       = aws_kms_key.this.arn
}
