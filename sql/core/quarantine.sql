-- Seed files that could not be processed, with the stage that stopped them and why.
-- Every seed file is either in core.documents or here.
SELECT * FROM staging.quarantine ORDER BY source_path, stage
