-- Tokens are purged by expiry whenever one is issued (tokens.cpp).
CREATE INDEX credentials_tokens_expiry ON credentials_tokens(expires_at);
