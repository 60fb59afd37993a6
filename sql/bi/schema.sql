-- The schema of the stable BI views (tiering/bi_layer.py), in the BI file being published.
CREATE SCHEMA IF NOT EXISTS bi
