-- Issue 32: a console sign-in that ends in the second step is recorded in
-- the admin audit log when the step completes (auth/second_steps.cpp): the
-- challenge remembers that the console asked for it. 0: a member's sign-in.
ALTER TABLE sign_in_challenges ADD COLUMN for_console INTEGER NOT NULL DEFAULT 0;
