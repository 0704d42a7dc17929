"""The closed sets of ``core.quarantine``: why a seed file could not be processed, and at which
stage. Plain constants, importable without pandera (ingest decides five of them)."""

# quarantine reasons: a closed set (ingest decides the first five, the clean stage the next two or a timeout, extraction a failure
# or a timeout, the landing the near-duplicates)
EMPTY = "empty_file"
BINARY = "binary_file"
TOO_LARGE = "too_large"
DUPLICATE = "duplicate_content"
UNDECODABLE = "undecodable"
INVALID = "failed_validation"
FAILED_CHECK = "failed_check"  # the clean text breaks an invariant (mscflow.clean.invariants)
TIMEOUT = "timeout"  # cleaning or extraction took longer than MSCFLOW_DOCUMENT_TIMEOUT
EXTRACTION_FAILED = "extraction_failed"  # an extractor raised on this document
CHANGING = "file_changing"  # rewritten while being read, every time it was read: the next run reads it again
NEAR_DUPLICATE = "near_duplicate"  # other bytes, same clean text as another seed (re-encoded, .html, CR)
REASONS = (EMPTY, BINARY, TOO_LARGE, DUPLICATE, UNDECODABLE, INVALID, FAILED_CHECK, TIMEOUT, EXTRACTION_FAILED,
           NEAR_DUPLICATE, CHANGING)
STAGES = ("raw_documents", "documents", "extract", "warehouse_landing")
