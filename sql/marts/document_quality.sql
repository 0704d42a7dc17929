-- Per document: what cleaning repaired, what stayed damaged, and how much the extraction
-- got out of it (tables, studies, registrations, references).
-- @column n_repairs: Sum of the repair counts: pinyin readings, HTML tags and entities, web-chrome lines, characters converted and normalised
-- @column n_tables: Pipe tables found in the clean text
-- @column n_trial_tables: Tables that list studies (core.table_rows.table_kind = 'trial': a patients column and no NCT numbers)
-- @column n_table_rows: Pipe-table rows (core.table_rows)
-- @column n_studies: Study mentions extracted (core.studies)
-- @column n_table_row_studies: Table rows that yielded at least one study
-- @column n_prose_studies: Studies extracted from running text
-- @column share_table_rows_with_study: n_table_row_studies / n_table_rows, 0..1; null when the document has no table
-- @column n_registrations: Registry rows extracted (core.registrations)
-- @column n_references: Reference-list entries extracted (core.references)
WITH tables AS (
    SELECT
        document_id,
        table_index,
        count(*) AS n_rows,
        bool_or(table_kind = 'trial') AS is_trial_table
    FROM core.table_rows
    GROUP BY ALL
),
per_doc_tables AS (
    SELECT document_id,
           count(*) AS n_tables,
           count(*) FILTER (WHERE is_trial_table) AS n_trial_tables,
           sum(n_rows) AS n_table_rows
    FROM tables
    GROUP BY ALL
),
per_doc_studies AS (
    SELECT document_id,
           count(*) AS n_studies,
           count(DISTINCT (table_index, row_index)) FILTER (WHERE kind = 'table_row') AS n_table_row_studies,
           count(*) FILTER (WHERE kind = 'prose') AS n_prose_studies
    FROM core.studies
    GROUP BY ALL
),
per_doc_registrations AS (
    SELECT document_id, count(*) AS n_registrations FROM core.registrations GROUP BY ALL
),
per_doc_references AS (
    SELECT document_id, count(*) AS n_references FROM core."references" GROUP BY ALL
)
SELECT
    d.document_id,
    d.source_path,
    d.script,
    d.n_pinyin_removed,
    d.n_html_tags,
    d.n_html_entities,
    d.n_chrome_lines,
    d.n_chars_converted,
    d.n_chars_normalized,
    CAST(COALESCE(d.n_pinyin_removed, 0) + COALESCE(d.n_html_tags, 0) + COALESCE(d.n_html_entities, 0)
         + COALESCE(d.n_chrome_lines, 0) + COALESCE(d.n_chars_converted, 0)
         + COALESCE(d.n_chars_normalized, 0) AS BIGINT) AS n_repairs,
    d.n_damaged_spans,
    CAST(COALESCE(t.n_tables, 0) AS BIGINT)              AS n_tables,
    CAST(COALESCE(t.n_trial_tables, 0) AS BIGINT)        AS n_trial_tables,
    CAST(COALESCE(t.n_table_rows, 0) AS BIGINT)          AS n_table_rows,
    CAST(COALESCE(s.n_studies, 0) AS BIGINT)             AS n_studies,
    CAST(COALESCE(s.n_table_row_studies, 0) AS BIGINT)   AS n_table_row_studies,
    CAST(COALESCE(s.n_prose_studies, 0) AS BIGINT)       AS n_prose_studies,
    CASE WHEN COALESCE(t.n_table_rows, 0) > 0
         THEN COALESCE(s.n_table_row_studies, 0) / t.n_table_rows END AS share_table_rows_with_study,
    CAST(COALESCE(r.n_registrations, 0) AS BIGINT)       AS n_registrations,
    CAST(COALESCE(f.n_references, 0) AS BIGINT)          AS n_references
FROM core.documents AS d
LEFT JOIN per_doc_tables AS t USING (document_id)
LEFT JOIN per_doc_studies AS s USING (document_id)
LEFT JOIN per_doc_registrations AS r USING (document_id)
LEFT JOIN per_doc_references AS f USING (document_id)
ORDER BY d.document_id
