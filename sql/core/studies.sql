-- One row per clinical study mention (a trial-table row or a prose passage), with its
-- evidence text and span and the fields of gold/SCHEMA.md. Mentions of the same study share
-- a cluster_id. Key: study_id. Doses are cells (per kg when dose_per_kg).
-- @column reference_id: The reference-list entry (core.references) that the study's reference_marker points to; null when the article's list does not carry it
SELECT s.*, r.reference_id
FROM staging.studies AS s
LEFT JOIN (
    SELECT document_id, TRY_CAST(marker AS INTEGER) AS marker_number, min(reference_id) AS reference_id
    FROM staging."references"
    WHERE TRY_CAST(marker AS INTEGER) IS NOT NULL
    GROUP BY ALL
) AS r
  ON r.document_id = s.document_id
 AND r.marker_number = TRY_CAST(regexp_extract(s.reference_marker, '(\d+)', 1) AS INTEGER)
ORDER BY s.document_id, s.study_id
