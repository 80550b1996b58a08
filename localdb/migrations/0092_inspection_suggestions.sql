-- 0092: the pre-check of an inspection snapshot, shown as a suggestion
-- beside the manager's verdict: 'person' or 'nobody' (a person detector
-- looked at the picture), '' while not checked.

ALTER TABLE inspection_shots ADD COLUMN suggestion TEXT NOT NULL DEFAULT '' CHECK (suggestion IN ('', 'person', 'nobody'));
