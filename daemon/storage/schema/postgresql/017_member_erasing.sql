-- Issue 32: when the erasure of a closing account began. From then on no
-- event about the member reaches a plugin (events/event_bus.cpp): a handler
-- would write back what the erasure removes. Set in a transaction of its
-- own before any plugin erases, which on PostgreSQL waits for the
-- deliveries holding the member's row (FOR KEY SHARE) to commit first.
ALTER TABLE members ADD COLUMN erasing_since BIGINT;

-- The member an event's payload names ("member_id"), kept beside it when it
-- is published: a closing account's events go by this index rather than a
-- scan of every payload. NULL for events that name none, and for those
-- from before this migration (the closure still looks through their text).
ALTER TABLE events ADD COLUMN member_id VARCHAR(36);
CREATE INDEX events_member ON events (member_id);
