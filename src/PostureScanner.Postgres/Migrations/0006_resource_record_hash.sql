-- A re-scan need not even parse the records nobody touched. record_hash is the hash of the native
-- record's bytes as read (with its format's name) that alone made this resource; record_resources how
-- many resources that record made (a record can be several, some without any evaluation), and
-- evaluation_counts the resource's evaluations by status and its failures by severity
-- ({pass, fail, unknown, error, critical, high, medium, low, info}). A later scan with the same content
-- (controls, mappings, policy, scanner build) that reads a record with a known hash keeps what it made
-- without parsing it, and counts it from these columns. Null: never kept (a record joined with another,
-- a resource with a policy exclusion, rows written before this migration).
alter table resources add column record_hash bytea, add column record_resources smallint, add column evaluation_counts integer[];
