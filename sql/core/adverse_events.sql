-- Every safety statement about a study's treated patients: the kind of event, how many or what
-- share had it (n_patients 0 for "none observed"), whether serious, with its span and rule.
-- Key: adverse_event_id. Join to core.studies on study_id.
SELECT a.*
FROM staging.adverse_events AS a
ORDER BY a.document_id, a.study_id, a.char_start
