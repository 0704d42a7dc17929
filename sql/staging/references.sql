-- Typed view over the landed reference-list entries.
SELECT
    CAST(reference_id AS VARCHAR)   AS reference_id,
    CAST(document_id AS VARCHAR)    AS document_id,
    CAST(marker AS VARCHAR)         AS marker,
    CAST(authors AS VARCHAR)        AS authors,
    CAST(title AS VARCHAR)          AS title,
    CAST(journal AS VARCHAR)        AS journal,
    CAST(year AS BIGINT)            AS year,
    CAST(doi AS VARCHAR)            AS doi,
    CAST(pmid AS VARCHAR)           AS pmid,
    CAST(evidence_text AS VARCHAR)  AS evidence_text,
    CAST(char_start AS BIGINT)      AS char_start,
    CAST(char_end AS BIGINT)        AS char_end
FROM landing."references"
