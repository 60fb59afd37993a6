-- Credentials for an object-store shard location, found as the AWS SDK finds them (environment, web identity
-- of the pod's service account, instance profile): needs DuckDB's httpfs and aws extensions (see deploy/Dockerfile).
CREATE OR REPLACE SECRET tiers_shard_storage (TYPE s3, PROVIDER credential_chain, SCOPE '{location}')
