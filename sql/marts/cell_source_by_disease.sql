-- Studies and patients in people per disease, tissue source and donor (animal and in-vitro
-- studies left out). Mentions of the same study (same cluster_id) count once in
-- n_distinct_studies and n_patients.
-- @column disease: Disease code (assets/vocab/diseases.yaml); 'other' when none fits or none is stated
-- @column tissue_source: Tissue the cells came from (assets/vocab/tissue_sources.yaml); 'unspecified' when the study does not say
-- @column donor: autologous | allogeneic | 'unstated'
-- @column n_studies: Study mentions (table rows and prose passages)
-- @column n_distinct_studies: Distinct studies: mentions sharing a cluster_id count once
-- @column n_patients: Patients enrolled, summed over distinct studies that state n_total
WITH clusters AS (
    SELECT
        COALESCE(disease, 'unstated')        AS disease,
        COALESCE(tissue_source, 'unstated')  AS tissue_source,
        COALESCE(donor, 'unstated')          AS donor,
        COALESCE(cluster_id, study_id)       AS cluster_key,
        count(*)                             AS n_mentions,
        max(n_total)                         AS n_total
    FROM core.studies
    WHERE is_human
    GROUP BY ALL
)
SELECT
    disease,
    tissue_source,
    donor,
    CAST(sum(n_mentions) AS BIGINT) AS n_studies,
    CAST(count(*) AS BIGINT)        AS n_distinct_studies,
    CAST(sum(n_total) AS BIGINT)    AS n_patients
FROM clusters
GROUP BY ALL
ORDER BY ALL
