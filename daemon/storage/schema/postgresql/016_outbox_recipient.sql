-- Issue 32: a closing account's kept mail goes by its address
-- (api/account_closure.cpp): without this index each closure read the
-- whole outbox.
-- PostgreSQL builds it holding a lock that keeps the outbox from being
-- written meanwhile (migrations run in a transaction, so not CONCURRENTLY):
-- on an outbox of millions of rows, upgrade at a quiet hour.
CREATE INDEX mail_outbox_recipient ON mail_outbox (recipient);
