-- Registered trials per listed condition and recruitment status. A registration listing
-- several conditions (core.registrations.condition_list) counts once under each of them.
-- @column condition: A condition as listed (simplified Chinese), cleaned of the listing page's text; 'unstated' when the listing gives none
-- @column status: Recruitment status code (assets/vocab/registration_status.yaml); 'unstated' when not given
-- @column n_registrations: Registration rows (document, listing row) listing the condition with this status
-- @column n_nct_ids: Distinct NCT numbers
WITH conditions AS (
    SELECT
        document_id,
        row_number,
        nct_id,
        COALESCE(status, 'unstated') AS status,
        unnest(CASE WHEN len(COALESCE(condition_list, [])) = 0 THEN ['unstated'] ELSE condition_list END) AS condition
    FROM core.registrations
),

final AS (
    SELECT
        condition,
        status,
        CAST(count(*) AS BIGINT)               AS n_registrations,
        CAST(count(DISTINCT nct_id) AS BIGINT) AS n_nct_ids
    FROM conditions
    GROUP BY ALL
)

SELECT * FROM final
ORDER BY n_registrations DESC, condition, status
