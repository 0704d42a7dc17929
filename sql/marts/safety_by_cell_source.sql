-- Safety per cell source and route: of the human studies that make a safety statement
-- (core.adverse_events), how many there are, the patients they treated, how many report a
-- serious event that occurred (a death, or a serious event with a count or rate above zero),
-- how many state that none occurred, and the events by kind. A study told twice counts once.
-- @column tissue_source: Source tissue code of the cells (assets/vocab/tissue_sources.yaml)
-- @column route: Route code (assets/vocab/routes.yaml); 'unstated' when the study gives none
-- @column n_studies: Distinct studies with at least one safety statement
-- @column n_patients_exposed: Patients given cells, summed over those studies: n_treatment, else n_total - n_control, else n_total
-- @column n_studies_serious: Studies reporting a serious event that occurred (a death or a serious event with n_patients or rate above zero)
-- @column n_studies_no_serious: Studies stating that no serious adverse event (or no adverse event at all) occurred
-- @column events_by_kind: Event codes with the number of studies reporting each as occurred ('fever: 2, infection: 1'); null when only absences are stated
WITH statements AS (
    SELECT
        s.tissue_source,
        COALESCE(s.route, 'unstated')                       AS route,
        COALESCE(s.cluster_id, s.study_id)                  AS cluster_key,
        COALESCE(s.n_treatment, s.n_total - s.n_control, s.n_total) AS n_treated,
        a.event,
        COALESCE(a.n_patients > 0, FALSE) OR COALESCE(a.rate > 0, FALSE)
            OR (a.n_patients IS NULL AND a.rate IS NULL)    AS occurred,
        a.serious
    FROM core.adverse_events AS a
    JOIN core.studies AS s USING (study_id)
    WHERE s.is_human
),

per_study AS (
    SELECT
        tissue_source,
        route,
        cluster_key,
        max(n_treated) AS n_treated,
        bool_or(occurred AND (event = 'death' OR event = 'serious_adverse_event' OR serious IS TRUE)) AS any_serious,
        bool_or(NOT occurred AND event IN ('serious_adverse_event', 'adverse_event')) AS none_serious
    FROM statements
    GROUP BY ALL
),

kinds AS (
    SELECT
        tissue_source,
        route,
        string_agg(event || ': ' || CAST(n AS VARCHAR), ', ' ORDER BY event) AS events_by_kind
    FROM (
        SELECT tissue_source, route, event, count(DISTINCT cluster_key) AS n
        FROM statements
        WHERE occurred
        GROUP BY ALL
    ) AS k
    GROUP BY ALL
),

final AS (
    SELECT
        p.tissue_source,
        p.route,
        CAST(count(*) AS BIGINT)                                   AS n_studies,
        CAST(sum(p.n_treated) AS BIGINT)                           AS n_patients_exposed,
        CAST(count(*) FILTER (WHERE p.any_serious) AS BIGINT)      AS n_studies_serious,
        CAST(count(*) FILTER (WHERE p.none_serious AND NOT p.any_serious) AS BIGINT) AS n_studies_no_serious,
        k.events_by_kind
    FROM per_study AS p
    LEFT JOIN kinds AS k USING (tissue_source, route)
    GROUP BY p.tissue_source, p.route, k.events_by_kind
)

SELECT * FROM final
ORDER BY tissue_source, route
