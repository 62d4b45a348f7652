-- Measured after V11 (100k-run backlog): 70 % of the run updates were HOT. A step starts the runs of a page
-- together, and at fillfactor 60 a page of ~26 runs has room for ~17 new versions, so the rest of the starts
-- moved their rows to another page and added an entry to every index of run. At 50 a page holds ~21 runs and
-- room for all their start versions; the insert-era versions are pruned before the finishes need the space.
alter table run set (fillfactor = 50);
