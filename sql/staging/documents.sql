-- Typed view over the landed documents: one row per cleaned seed document, as the
-- clean_documents asset staged it.
SELECT
    CAST(document_id AS VARCHAR)         AS document_id,
    CAST(source_path AS VARCHAR)         AS source_path,
    CAST(sha256 AS VARCHAR)              AS sha256,
    CAST(encoding AS VARCHAR)            AS encoding,
    CAST(encoding_confidence AS DOUBLE)  AS encoding_confidence,
    CAST(size_bytes AS BIGINT)           AS size_bytes,
    CAST(script AS VARCHAR)              AS script,
    CAST(title AS VARCHAR)               AS title,
    CAST(clean_text AS VARCHAR)          AS clean_text,
    CAST(n_chars_raw AS BIGINT)          AS n_chars_raw,
    CAST(n_chars_clean AS BIGINT)        AS n_chars_clean,
    CAST(n_pinyin_removed AS BIGINT)     AS n_pinyin_removed,
    CAST(n_html_tags AS BIGINT)          AS n_html_tags,
    CAST(n_html_entities AS BIGINT)      AS n_html_entities,
    CAST(n_chrome_lines AS BIGINT)       AS n_chrome_lines,
    CAST(n_damaged_spans AS BIGINT)      AS n_damaged_spans,
    CAST(n_chars_converted AS BIGINT)    AS n_chars_converted,
    CAST(n_chars_normalized AS BIGINT)   AS n_chars_normalized,
    CAST(n_blocks AS BIGINT)             AS n_blocks,
    CAST(n_sentences AS BIGINT)          AS n_sentences,
    CAST(damaged_spans AS VARCHAR)       AS damaged_spans,
    CAST(offset_map AS VARCHAR)          AS offset_map,
    CAST(chrome_removed AS VARCHAR)      AS chrome_removed
FROM landing.documents
