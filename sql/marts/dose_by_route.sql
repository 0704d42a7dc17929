-- Normalised single doses (cells) given to people per route and cell source, with per-kg and
-- absolute doses kept apart in dose_unit. Only studies in people that state a dose (animal and
-- in-vitro studies left out); mentions of the same study (same cluster_id) count once, with
-- their lowest and highest stated dose. The median is rounded to 3 significant digits.
-- @column route: Route of administration (assets/vocab/routes.yaml); 'unstated' when not given
-- @column tissue_source: Tissue the cells came from (assets/vocab/tissue_sources.yaml); 'unspecified' when the study does not say
-- @column dose_unit: cells_per_kg (dose per kg body weight) | cells (absolute dose per administration) | unstated (a dose without its basis)
-- @column n_studies: Distinct studies with a stated dose
-- @column min_dose: Smallest single dose stated (cells, or cells per kg)
-- @column median_dose: Median over distinct studies of the midpoint of each study's dose range (cells, or cells per kg), 3 significant digits
-- @column max_dose: Largest single dose stated (cells, or cells per kg)
WITH doses AS (
    SELECT
        COALESCE(route, 'unstated')          AS route,
        COALESCE(tissue_source, 'unstated')  AS tissue_source,
        CASE WHEN dose_per_kg THEN 'cells_per_kg'
             WHEN NOT dose_per_kg THEN 'cells'
             ELSE 'unstated' END             AS dose_unit,
        COALESCE(cluster_id, study_id)       AS cluster_key,
        min(dose_low)                        AS dose_low,
        max(COALESCE(dose_high, dose_low))   AS dose_high
    FROM core.studies
    WHERE dose_low IS NOT NULL AND is_human
    GROUP BY ALL
)
SELECT
    route,
    tissue_source,
    dose_unit,
    CAST(count(*) AS BIGINT)              AS n_studies,
    min(dose_low)                         AS min_dose,
    round(median((dose_low + dose_high) / 2),
          2 - CAST(floor(log10(median((dose_low + dose_high) / 2))) AS INTEGER)) AS median_dose,
    max(dose_high)                        AS max_dose
FROM doses
GROUP BY ALL
ORDER BY ALL
