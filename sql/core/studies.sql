-- One row per clinical study mention (a trial-table row or a prose passage), with its
-- evidence text and span and the fields of gold/SCHEMA.md. Mentions of the same study share
-- a cluster_id. Key: study_id. Doses are cells (per kg when dose_per_kg).
SELECT * FROM staging.studies ORDER BY document_id, study_id
