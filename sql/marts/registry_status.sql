-- Registered trials per status, sponsor and intervention type. A registration listing
-- several intervention types (e.g. 生物: and 药品:) counts once under each of them.
-- @column status: Recruitment status code (assets/vocab/registration_status.yaml); 'unstated' when not given
-- @column sponsor: Sponsor as listed (simplified Chinese); 'unstated' when not given
-- @column intervention_type: ClinicalTrials.gov intervention type from the listing's prefix (生物: biological, 药品: drug, 程序: procedure, 器械: device, 行为: behavioral, 膳食补充剂: dietary_supplement, 遗传: genetic, 放射: radiation, 组合产品: combination_product, 诊断测试: diagnostic_test, 其他: other); 'unstated' when none
-- @column n_registrations: Registration rows (document, listing row)
-- @column n_nct_ids: Distinct NCT numbers
WITH intervention_labels(label, intervention_type) AS (
    VALUES ('生物', 'biological'), ('Biological', 'biological'),
           ('药品', 'drug'), ('药物', 'drug'), ('Drug', 'drug'),
           ('程序', 'procedure'), ('Procedure', 'procedure'),
           ('器械', 'device'), ('Device', 'device'),
           ('行为', 'behavioral'), ('Behavioral', 'behavioral'),
           ('膳食补充剂', 'dietary_supplement'), ('Dietary Supplement', 'dietary_supplement'),
           ('遗传', 'genetic'), ('Genetic', 'genetic'),
           ('放射', 'radiation'), ('Radiation', 'radiation'),
           ('组合产品', 'combination_product'), ('Combination Product', 'combination_product'),
           ('诊断测试', 'diagnostic_test'), ('Diagnostic Test', 'diagnostic_test'),
           ('其他', 'other'), ('Other', 'other')
),
labelled AS (
    SELECT
        r.document_id,
        r.row_number,
        r.nct_id,
        COALESCE(r.status, 'unstated')  AS status,
        COALESCE(r.sponsor, 'unstated') AS sponsor,
        -- the type prefix of each tidied "type: name" entry (core.registrations.intervention_list)
        list_transform(COALESCE(r.intervention_list, []), lambda x: trim(split_part(x, ':', 1))) AS labels
    FROM core.registrations AS r
),
typed AS (
    SELECT DISTINCT
        l.document_id, l.row_number, l.nct_id, l.status, l.sponsor,
        COALESCE(i.intervention_type, 'unstated') AS intervention_type
    FROM (
        SELECT *, unnest(CASE WHEN len(labels) = 0 THEN ['unstated'] ELSE labels END) AS label
        FROM labelled
    ) AS l
    LEFT JOIN intervention_labels AS i USING (label)
)
SELECT
    status,
    sponsor,
    intervention_type,
    CAST(count(*) AS BIGINT)                AS n_registrations,
    CAST(count(DISTINCT nct_id) AS BIGINT)  AS n_nct_ids
FROM typed
GROUP BY ALL
ORDER BY ALL
