-- Issue 32: a closing account's kept mail goes by its address
-- (api/account_closure.cpp): without this index each closure read the
-- whole outbox.
CREATE INDEX mail_outbox_recipient ON mail_outbox (recipient);
