-- The X-Request-Id of the upload that created a version travels with every deploy.events event of that version
-- (sent as ce_requestid), unless the event is caused by a request of its own (a rollback), whose id it carries then.
alter table app_version add column request_id text;
alter table outbox add column request_id text;
