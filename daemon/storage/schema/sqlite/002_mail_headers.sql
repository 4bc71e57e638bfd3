-- Extra mail headers (List-Unsubscribe for category mail), as a JSON list of [name, value] pairs.
ALTER TABLE mail_outbox ADD COLUMN headers TEXT NOT NULL DEFAULT '[]';
