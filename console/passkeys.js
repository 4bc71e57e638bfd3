// The browser's half of a passkey ceremony (WebAuthn), for every page that
// asks for one through the kit (kit.passkeys): the daemon's options (binary
// fields as base64url) turned into what navigator.credentials wants, and
// the browser's answer turned back into JSON for the daemon.

const fromB64url = (text) => {
  const b64 = text.replace(/-/g, '+').replace(/_/g, '/');
  const raw = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
  return Uint8Array.from(raw, (c) => c.charCodeAt(0)).buffer;
};

const toB64url = (buffer) => {
  const bytes = new Uint8Array(buffer);
  let raw = '';
  for (const b of bytes) raw += String.fromCharCode(b);
  return btoa(raw).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
};

// Whether this browser can use passkeys at all.
export const supported = () => typeof window.PublicKeyCredential === 'function' && !!navigator.credentials;

function descriptors(list) {
  return (list || []).map((d) => ({ ...d, id: fromB64url(d.id) }));
}

// navigator.credentials.create() with the daemon's options; the answer as JSON.
export async function create(publicKey) {
  const credential = await navigator.credentials.create({ publicKey: {
    ...publicKey,
    challenge: fromB64url(publicKey.challenge),
    user: { ...publicKey.user, id: fromB64url(publicKey.user.id) },
    excludeCredentials: descriptors(publicKey.excludeCredentials),
  } });
  return {
    id: credential.id, rawId: toB64url(credential.rawId), type: credential.type,
    response: {
      clientDataJSON: toB64url(credential.response.clientDataJSON),
      attestationObject: toB64url(credential.response.attestationObject),
    },
  };
}

// navigator.credentials.get() with the daemon's options; the answer as JSON.
export async function use(publicKey) {
  const credential = await navigator.credentials.get({ publicKey: {
    ...publicKey,
    challenge: fromB64url(publicKey.challenge),
    allowCredentials: descriptors(publicKey.allowCredentials),
  } });
  const r = credential.response;
  return {
    id: credential.id, rawId: toB64url(credential.rawId), type: credential.type,
    response: {
      clientDataJSON: toB64url(r.clientDataJSON), authenticatorData: toB64url(r.authenticatorData),
      signature: toB64url(r.signature), userHandle: r.userHandle ? toB64url(r.userHandle) : null,
    },
  };
}

// What to tell the member when the browser's ceremony itself ended without
// an answer (they cancelled, or no passkey was there).
export function failureText(error) {
  if (error && error.name === 'NotAllowedError') return 'No passkey was used: the request was cancelled or timed out. Try again.';
  if (error && error.name === 'InvalidStateError') return 'This device already holds a passkey for your account.';
  return 'Your browser could not use a passkey here.';
}
