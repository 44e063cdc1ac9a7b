-- One native record can be several normalized resources with the same native id: a GCP bucket with its
-- IAM policy is an object_storage.bucket and an iam.binding. Keyed by (provider, native id) alone, the
-- store kept whichever came first and dropped the other's evaluations (on the 1M benchmark: every GCP
-- bucket finding, 378k evaluations). The key is now "<normalized type>|<native id>" (Azure ids still
-- lowercased); existing rows keep their identity by taking their own type into the key.
update resources set resource_key = type || '|' || resource_key;
