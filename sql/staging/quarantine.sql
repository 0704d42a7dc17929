-- Typed view over the landed quarantine: seed files that could not be processed.
SELECT
    CAST(source_path AS VARCHAR) AS source_path,
    CAST(sha256 AS VARCHAR)      AS sha256,
    CAST(stage AS VARCHAR)       AS stage,
    CAST(reason AS VARCHAR)      AS reason,
    CAST(detail AS VARCHAR)      AS detail
FROM landing.quarantine
