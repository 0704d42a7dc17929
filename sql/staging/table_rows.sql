-- Typed view over the landed pipe-table rows of every document.
SELECT
    CAST(document_id AS VARCHAR) AS document_id,
    CAST(table_index AS BIGINT)  AS table_index,
    CAST(row_index AS BIGINT)    AS row_index,
    CAST(caption AS VARCHAR)     AS caption,
    CAST(table_kind AS VARCHAR)  AS table_kind,
    CAST(header AS VARCHAR)      AS header,
    CAST(cells AS VARCHAR)       AS cells,
    CAST(n_cells AS BIGINT)      AS n_cells,
    CAST(char_start AS BIGINT)   AS char_start,
    CAST(char_end AS BIGINT)     AS char_end
FROM landing.table_rows
