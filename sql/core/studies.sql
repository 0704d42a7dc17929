-- One row per clinical study mention (a trial-table row or a prose passage), with its
-- evidence text and span and the fields of gold/SCHEMA.md. Mentions of the same study share
-- a cluster_id. Key: study_id. Doses are cells (per kg when dose_per_kg). Animal and in-vitro
-- studies are kept here and flagged (is_human = false); the human-evidence marts leave them out.
-- @column reference_id: The reference-list entry (core.references) that the study's reference_marker points to; null when the article's list does not carry it
-- @column is_human: True for a study in people; false for an animal study (design = 'animal') or an in-vitro one (体外实验/体外研究/in vitro study in its label or evidence). The human-evidence marts (evidence_by_disease, cell_source_by_disease, dose_by_route, human_studies) count only is_human studies
WITH linked AS (
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
),

final AS (
    SELECT
        *,
        design IS DISTINCT FROM 'animal'
            AND NOT regexp_matches(label || ' ' || evidence_text, '体外(实验|研究|试验)|(?i:in[ -]vitro (study|experiment))')
            AS is_human
    FROM linked
)

SELECT * FROM final
ORDER BY document_id, study_id
