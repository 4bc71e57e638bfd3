-- The member's own time zone, from the profile plugin's profile.published
-- event (empty until a profile with one is approved): the member's pages
-- show local times in it.
ALTER TABLE security_level_members ADD COLUMN time_zone VARCHAR(64) NOT NULL DEFAULT '';
