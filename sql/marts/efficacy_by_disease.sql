-- What the studies found, per disease and measure: how many studies state a value of the
-- measure, their patients, the timepoints stated, and the share of those studies that report
-- an improvement in the cell-therapy arm (a from-to whose better side the vocabulary knows, or
-- a stated direction). Human studies only; a study told twice (same cluster_id) counts once.
-- @column disease: Disease code of the studies (assets/vocab/diseases.yaml)
-- @column measure: Measure code (assets/vocab/outcomes.yaml); 'other' groups measures without a code
-- @column n_studies: Distinct studies stating at least one value of the measure
-- @column n_results: Result rows (core.outcomes) behind the figures
-- @column n_patients: Patients enrolled, summed over those distinct studies that state n_total
-- @column timepoints_months: Distinct timepoints stated, in months, ascending, comma-separated (null when none is stated)
-- @column share_improved: Share of the studies with an 'improved' direction in the treatment arm (0 to 1, 3 decimals)
-- @column study_ids: The study_id of one mention of each study, comma-separated (join core.studies)
WITH results AS (
    SELECT
        s.disease,
        o.measure,
        COALESCE(s.cluster_id, s.study_id) AS cluster_key,
        s.study_id,
        s.n_total,
        o.timepoint_months,
        o.arm = 'treatment' AND o.direction = 'improved' AS improved
    FROM core.outcomes AS o
    JOIN core.studies AS s USING (study_id)
    WHERE s.is_human
),

per_study AS (
    SELECT
        disease,
        measure,
        cluster_key,
        min(study_id)   AS study_id,
        max(n_total)    AS n_total,
        count(*)        AS n_results,
        bool_or(improved) AS improved
    FROM results
    GROUP BY ALL
),

times AS (
    SELECT
        disease,
        measure,
        array_to_string(list_sort(list_distinct(list(round(timepoint_months, 2)))), ', ') AS timepoints_months
    FROM results
    WHERE timepoint_months IS NOT NULL
    GROUP BY ALL
),

final AS (
    SELECT
        p.disease,
        p.measure,
        CAST(count(*) AS BIGINT)                          AS n_studies,
        CAST(sum(p.n_results) AS BIGINT)                  AS n_results,
        CAST(sum(p.n_total) AS BIGINT)                    AS n_patients,
        t.timepoints_months,
        round(avg(CASE WHEN p.improved THEN 1.0 ELSE 0.0 END), 3) AS share_improved,
        string_agg(p.study_id, ', ' ORDER BY p.study_id)  AS study_ids
    FROM per_study AS p
    LEFT JOIN times AS t USING (disease, measure)
    GROUP BY p.disease, p.measure, t.timepoints_months
)

SELECT * FROM final
ORDER BY disease, measure
