-- What a failed attempt was (issue 32, honest sign-in records): `kind` is
-- sign_in (a try to get in: the sign-in form, its second step, a passkey),
-- in_session (a wrong password, answer or code inside a session that is
-- signed in already) or mailed_link (a wrong answer or code with a reset
-- link); only sign_in failures read as "someone tried to sign in". `what`
-- is the secret (password, answer, reset_answer, second_step_app, ...).
-- Records made before carry sign_in and ''.
ALTER TABLE security_level_sign_ins ADD COLUMN kind VARCHAR(16) NOT NULL DEFAULT 'sign_in';
ALTER TABLE security_level_sign_ins ADD COLUMN what VARCHAR(32) NOT NULL DEFAULT '';
