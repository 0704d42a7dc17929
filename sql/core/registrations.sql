-- Registered trials (ClinicalTrials.gov listings) quoted by the articles, one row per
-- listing row. Key: (document_id, row_number). Conditions are cleaned of the listing page's
-- own text (更多 1, 另外2个: "n more"); interventions are tidied to one "type: name" entry per
-- intervention, separated by "; " (the evidence_text keeps the row as written).
-- @column conditions: Conditions as listed (simplified), space-separated, without the listing page's "更多 n" / "另外n个" ("n more") text
-- @column interventions: Interventions as listed (simplified), one "type: name" entry per intervention separated by "; ", e.g. 生物: 脐带间充质干细胞; 药品: 保守治疗 (a repeated type prefix such as 生物:生物: is written once)
-- @column condition_list: The conditions as a list, one element per listed condition
-- @column intervention_list: The interventions as a list of "type: name" entries (type as listed: 生物, 药品, 程序, 其他, ...)
WITH split AS (
    SELECT
        *,
        NULLIF(trim(regexp_replace(regexp_replace(COALESCE(conditions, ''),
            '更多\s*\d*|另外\s*\d+\s*个', ' ', 'g'), '\s+', ' ', 'g')), '') AS clean_conditions,
        -- a break (chr 31) before every "type:" prefix, so each intervention is one element;
        -- a prefix with nothing after it (生物:生物:...) is dropped
        list_filter(
            list_transform(
                string_split(regexp_replace(COALESCE(interventions, ''),
                    '\s*(生物|药品|药物|程序|器械|行为|膳食补充剂|遗传|放射|组合产品|诊断测试|其他|Biological|Drug|Procedure|Device|Behavioral|Dietary Supplement|Genetic|Radiation|Combination Product|Diagnostic Test|Other)\s*[:：]\s*',
                    chr(31) || '\1: ', 'g'), chr(31)),
                lambda x: trim(x)),
            lambda x: x <> '' AND NOT regexp_matches(x, '^[^:]+:$')) AS split_interventions
    FROM staging.registrations
),

final AS (
    SELECT
        * EXCLUDE (clean_conditions, split_interventions) REPLACE (
            clean_conditions AS conditions,
            COALESCE(NULLIF(array_to_string(split_interventions, '; '), ''), interventions) AS interventions
        ),
        CASE WHEN clean_conditions IS NOT NULL
             THEN list_filter(string_split(clean_conditions, ' '), lambda x: x <> '') END AS condition_list,
        CASE WHEN len(split_interventions) > 0 THEN split_interventions END AS intervention_list
    FROM split
)

SELECT * FROM final
ORDER BY document_id, row_number, nct_id
