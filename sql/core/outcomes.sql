-- Every stated result of every study: a value of a measure (assets/vocab/outcomes.yaml) for an
-- arm at a timepoint, with the value's own span (clean and raw) and the pass that read it.
-- Key: outcome_id. Join to core.studies on study_id.
SELECT o.*
FROM staging.outcomes AS o
ORDER BY o.document_id, o.study_id, o.char_start
