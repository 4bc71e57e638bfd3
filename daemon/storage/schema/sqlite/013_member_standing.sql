-- Issue 32: an admin may disable a member (while disabled_at is set no
-- session opens for them: auth/member_standing.hpp), and a member may ask
-- to close their account (closes_at: when the grace ends and everything of
-- theirs is erased: api/account_closure.hpp). NULL: neither.
ALTER TABLE members ADD COLUMN disabled_at BIGINT;
ALTER TABLE members ADD COLUMN closes_at BIGINT;
-- The leader looks for closures that are due every retention round.
CREATE INDEX members_closes_at ON members (closes_at);
