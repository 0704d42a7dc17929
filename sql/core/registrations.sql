-- Registered trials (ClinicalTrials.gov listings) quoted by the articles, one row per
-- listing row. Key: (document_id, row_number).
SELECT * FROM staging.registrations ORDER BY document_id, row_number, nct_id
