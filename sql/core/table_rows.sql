-- Every pipe-table row of every document, lossless: caption, header and cells as JSON lists.
-- Key: (document_id, table_index, row_index).
SELECT * FROM staging.table_rows ORDER BY document_id, table_index, row_index
