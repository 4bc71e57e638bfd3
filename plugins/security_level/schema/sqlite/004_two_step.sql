-- Whether the member turned on two-step verification and how many passkeys
-- they have, from the two_step plugin's events (issue 31): it raises the
-- level, and the advice suggests it.
ALTER TABLE security_level_members ADD COLUMN two_step SMALLINT NOT NULL DEFAULT 0;
ALTER TABLE security_level_members ADD COLUMN passkeys INTEGER NOT NULL DEFAULT 0;
