-- The mode of the lock whose release raised a wake-up. Releasing a shared (S) entry can only unblock an exclusive
-- head of that resource's queue (shared waiters are never blocked by shared holders), so the dispatcher then looks
-- at the head alone instead of the whole leading shared group. Null: a new run or a continuation (whole head group).
alter table dispatch_signal add column released char(1) check (released in ('S', 'X'));
