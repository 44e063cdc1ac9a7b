-- A re-scan is mostly resources nobody touched. evaluation_digest is a hash, computed by the scan, of
-- everything a resource contributes to the store: its native record, normalized state and every
-- evaluation of it (control, status, severity, NIST ids, message, evidence). A scan that computes the
-- same digest for a resource of the same scope stages only the resource's id instead of its rows (see
-- EvaluationStager): its resource row and findings are kept as they are, and the merge only has to
-- know it is still present. Null (rows written before this migration) never matches, so the first
-- re-scan after upgrading stages everything once and fills it.
alter table resources add column evaluation_digest bytea;
