-- Cleaned seed documents, one row per readable seed file: simplified text, the detected
-- encoding and script, and counts of every repair the cleaning made. Key: document_id.
SELECT * FROM staging.documents ORDER BY document_id
