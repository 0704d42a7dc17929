-- Every filled field of every study with its own provenance: the span of the mention that
-- states the value (in core.documents.clean_text and in the raw file) and the rule that read it.
-- Key: study_id, field. Join to core.studies on study_id.
SELECT v.*
FROM staging.study_values AS v
ORDER BY v.document_id, v.study_id, v.field
