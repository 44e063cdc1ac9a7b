-- Findings are unique by the first 128 bits of their fingerprint (a uuid, 16 bytes) instead of the whole
-- 64-character hex text: inserts land at random places of that index, and on a first scan it was the
-- largest single cost of inserting a finding (585k rows: 5.0 s for the text key, 3.3 s for a uuid, on
-- top of 5.1 s for heap and primary key); at 6M findings the text index no longer fits the buffers
-- beside the heap being written. An expression index, not a new column, so existing rows are not
-- rewritten. Lookups by fingerprint compare the key first (to use the index), then the whole text.
create unique index findings_fingerprint_key_idx on findings ((substr(fingerprint, 1, 32)::uuid));
alter table findings drop constraint findings_fingerprint_key;
