-- Retention (retention.* in memberd.yaml): the housekeeping deletes old
-- events and old review items by time, in batches; these indexes keep each
-- run an index range scan rather than a walk over the whole table.
CREATE INDEX events_occurred ON events (occurred_at);
CREATE INDEX review_items_decided ON review_items (status, decided_at);
