-- Clinical evidence in people per disease (animal and in-vitro studies, core.studies.is_human
-- = false, are left out). A study told both in prose and in a table row (same cluster_id)
-- counts once in every figure except n_studies; patients are summed over distinct studies,
-- each with its largest stated count.
-- @column disease: Disease code (assets/vocab/diseases.yaml); 'other' when none fits or none is stated
-- @column n_studies: Study mentions (table rows and prose passages) for the disease
-- @column n_distinct_studies: Distinct studies: mentions sharing a cluster_id count once
-- @column n_rct: Distinct studies whose design is rct (randomised controlled)
-- @column n_patients: Patients enrolled, summed over distinct studies that state n_total
-- @column n_patients_treated: Patients given cells, summed over distinct studies: n_treatment, else n_total - n_control, else n_total for single-arm studies
-- @column cell_sources: Tissue-source codes seen, comma-separated in alphabetical order (assets/vocab/tissue_sources.yaml)
-- @column median_follow_up_months: Median over distinct studies of the longest stated follow-up, in months, rounded to 0.1
WITH clusters AS (
    SELECT
        COALESCE(disease, 'unstated')          AS disease,
        COALESCE(cluster_id, study_id)         AS cluster_key,
        count(*)                               AS n_mentions,
        bool_or(design = 'rct')                AS is_rct,
        max(n_total)                           AS n_total,
        max(COALESCE(n_treatment, n_total - n_control,
                     CASE WHEN design = 'single_arm' THEN n_total END)) AS n_treated,
        max(follow_up_months)                  AS follow_up_months
    FROM core.studies
    WHERE is_human
    GROUP BY ALL
),
sources AS (
    SELECT
        COALESCE(disease, 'unstated') AS disease,
        string_agg(DISTINCT tissue_source, ', ' ORDER BY tissue_source) AS cell_sources
    FROM core.studies
    WHERE tissue_source IS NOT NULL AND is_human
    GROUP BY ALL
)
SELECT
    c.disease,
    CAST(sum(c.n_mentions) AS BIGINT)        AS n_studies,
    CAST(count(*) AS BIGINT)                 AS n_distinct_studies,
    CAST(count(*) FILTER (WHERE c.is_rct) AS BIGINT) AS n_rct,
    CAST(sum(c.n_total) AS BIGINT)           AS n_patients,
    CAST(sum(c.n_treated) AS BIGINT)         AS n_patients_treated,
    s.cell_sources,
    round(median(c.follow_up_months), 1)     AS median_follow_up_months
FROM clusters AS c
LEFT JOIN sources AS s USING (disease)
GROUP BY c.disease, s.cell_sources
ORDER BY c.disease
