-- Reference-list entries of the articles (authors, title, journal, year, DOI, PMID).
-- Key: reference_id.
SELECT * FROM staging."references" ORDER BY document_id, reference_id
