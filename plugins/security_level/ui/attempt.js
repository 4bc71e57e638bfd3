// What one sign-in record was, in words: a sign-in, or a failed attempt and
// what kind of guess it was. A wrong password inside a session that was
// signed in already (a form that asks for it again) or a wrong answer with
// a reset link is no try to sign in, and the pages say so.

const SECRETS = {
  password: 'password',
  answer: 'security answer',
  reset_answer: 'security answer',
  passkey: 'passkey',
  second_step_app: 'code from the authenticator app',
  second_step_recovery: 'recovery code',
  second_step_passkey: 'passkey',
};

export function attemptText(record) {
  if (record.outcome === 'success') return 'Signed in';
  const secret = Object.hasOwn(SECRETS, record.what) ? SECRETS[record.what] : '';
  if (record.kind === 'in_session') return secret ? `Wrong ${secret} while signed in` : 'Wrong entry while signed in';
  if (record.kind === 'mailed_link') return secret ? `Wrong ${secret} with a reset link` : 'Wrong entry with a reset link';
  return secret ? `Failed sign-in (wrong ${secret})` : 'Failed sign-in';
}

const WHERE = { sign_in: 'at sign-in', in_session: 'while signed in', mailed_link: 'with a reset link' };

// The same, short, for a table's cell beside a "failed" badge: "password, at sign-in".
export function attemptDetail(record) {
  if (record.outcome === 'success') return '';
  const secret = Object.hasOwn(SECRETS, record.what) ? SECRETS[record.what] : '';
  const where = Object.hasOwn(WHERE, record.kind) ? WHERE[record.kind] : WHERE.sign_in;
  return secret ? `${secret}, ${where}` : where;
}
