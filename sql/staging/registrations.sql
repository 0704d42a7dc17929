-- Typed view over the landed trial-registry rows.
SELECT
    CAST(nct_id AS VARCHAR)         AS nct_id,
    CAST(document_id AS VARCHAR)    AS document_id,
    CAST(row_number AS BIGINT)      AS row_number,
    CAST(title AS VARCHAR)          AS title,
    CAST(status AS VARCHAR)         AS status,
    CAST(conditions AS VARCHAR)     AS conditions,
    CAST(interventions AS VARCHAR)  AS interventions,
    CAST(sponsor AS VARCHAR)        AS sponsor,
    CAST(study_type AS VARCHAR)     AS study_type,
    CAST(evidence_text AS VARCHAR)  AS evidence_text,
    CAST(char_start AS BIGINT)      AS char_start,
    CAST(char_end AS BIGINT)        AS char_end
FROM landing.registrations
