-- Until when the clock cannot change a resource's evaluations (ClockHorizon): a within-days test that
-- holds now stops holding at its timestamp plus its days. A scan keeps a record unparsed only while
-- this is in the future (null: the resource's evaluations do not read the clock). It covers every
-- resource of the record: the earliest instant over all of them.
alter table resources add column stable_until timestamptz;
-- Rows written before this column existed say nothing about the clock: their records are read again
-- once (the next merge writes the hash back with the instant).
update resources set record_hash = null where record_hash is not null;
