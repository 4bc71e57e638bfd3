-- Delivery that never sends a message twice once a relay may have it:
-- a worker claims a few due rows (status 'claimed', claimed_by its
-- instance), marks one 'sending' just before the relay sees it, and 'sent'
-- once the relay accepted it. A 'claimed' row whose worker vanished goes back
-- to the queue; a 'sending' one is failed as "outcome unknown" (it may have
-- been delivered) for an admin to retry. `batch` groups the messages of one
-- send (the console's progress of a category send).
ALTER TABLE mail_outbox ADD COLUMN claimed_by VARCHAR(64) NOT NULL DEFAULT '';
ALTER TABLE mail_outbox ADD COLUMN claimed_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE mail_outbox ADD COLUMN batch VARCHAR(128) NOT NULL DEFAULT '';
CREATE INDEX mail_outbox_batch ON mail_outbox(batch, status);
CREATE INDEX mail_outbox_claims ON mail_outbox(status, claimed_at);
-- When it was sent or failed for good: the console's chart of deliveries.
ALTER TABLE mail_outbox ADD COLUMN finished_at BIGINT NOT NULL DEFAULT 0;
CREATE INDEX mail_outbox_finished ON mail_outbox(finished_at);
-- When it was queued, or queued again by an admin's retry: the start of its
-- give-up clock (mail.give_up_after).
ALTER TABLE mail_outbox ADD COLUMN queued_at BIGINT NOT NULL DEFAULT 0;
UPDATE mail_outbox SET queued_at = created_at;
UPDATE mail_outbox SET finished_at = COALESCE(sent_at, created_at) WHERE status <> 'queued';
