"""A real SMTP relay on loopback for the mail tests: Debian's aiosmtpd.

Run with Debian's interpreter (/usr/bin/python3, TOOLCHAIN.md). Every
message it accepts becomes <dir>/<n>.json (written aside and renamed):
{"mail_from", "rcpt_tos", "data", "tls", "login"}. Replies can be scripted:
each line of <dir>/replies (e.g. "451 4.3.0 Try again later") answers one
DATA command instead of 250, first line first, and is then consumed. While
<dir>/late holds a number of seconds, every message is accepted (recorded)
and its 250 sent only that long after the end of the data: a relay that
checks a message slowly.

Every AUTH a client attempts, right or wrong, adds its login name as a line
to <dir>/auth-attempts: whether credentials were sent at all. Without a
certificate, --auth offers AUTH on a connection without STARTTLS, as a
careless relay does.

  smtp_relay.py --port N --dir DIR [--cert C --key K [--require-starttls]
                [--implicit-tls]] [--auth USER:PASSWORD]

"Ready" is the file <dir>/ready, written once the relay accepts
connections. SIGTERM stops it.
"""

import argparse
import asyncio
import json
import os
import signal
import ssl
import threading

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


class Recorder:
    def __init__(self, directory):
        self.directory = directory
        self.lock = threading.Lock()
        self.count = 0

    def next_scripted_reply(self):
        path = os.path.join(self.directory, "replies")
        with self.lock:
            try:
                with open(path, encoding="utf-8") as f:
                    lines = [line.rstrip("\n") for line in f if line.strip()]
            except FileNotFoundError:
                return None
            if not lines:
                return None
            with open(path + ".tmp", "w", encoding="utf-8") as f:
                f.write("".join(line + "\n" for line in lines[1:]))
            os.replace(path + ".tmp", path)
            return lines[0]

    def late_reply_seconds(self):
        try:
            with open(os.path.join(self.directory, "late"), encoding="utf-8") as f:
                return float(f.read().strip() or 0)
        except FileNotFoundError:
            return 0.0

    async def handle_DATA(self, server, session, envelope):
        scripted = self.next_scripted_reply()
        if scripted:
            return scripted
        login = session.auth_data.login if isinstance(session.auth_data, LoginPassword) else None
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": list(envelope.rcpt_tos),
            "data": envelope.original_content.decode("utf-8", "replace"),
            # STARTTLS sets session.ssl; TLS from the first byte shows on the transport.
            "tls": session.ssl is not None or server.transport.get_extra_info("ssl_object") is not None,
            "login": login.decode() if isinstance(login, bytes) else login,
        }
        with self.lock:
            self.count += 1
            name = os.path.join(self.directory, "%06d" % self.count)
        with open(name + ".tmp", "w", encoding="utf-8") as f:
            json.dump(record, f)
        os.replace(name + ".tmp", name + ".json")
        # Recorded first: a client that gives up waiting has still handed
        # the message over, as with a real relay.
        delay = self.late_reply_seconds()
        if delay > 0:
            await asyncio.sleep(delay)
        return "250 2.0.0 OK"


def make_authenticator(user, password, directory):
    def authenticate(server, session, envelope, mechanism, auth_data):
        login = auth_data.login.decode("utf-8", "replace") if isinstance(auth_data, LoginPassword) else "?"
        with open(os.path.join(directory, "auth-attempts"), "a", encoding="utf-8") as f:
            f.write(login + "\n")
        ok = (isinstance(auth_data, LoginPassword) and auth_data.login.decode() == user
              and auth_data.password.decode() == password)
        # handled=False: aiosmtpd itself answers 535 to a refusal.
        return AuthResult(success=ok, handled=False, auth_data=auth_data if ok else None)
    return authenticate


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--dir", required=True)
    parser.add_argument("--cert")
    parser.add_argument("--key")
    parser.add_argument("--require-starttls", action="store_true")
    parser.add_argument("--implicit-tls", action="store_true")
    parser.add_argument("--auth")
    args = parser.parse_args()

    # The controller's threads must not take SIGTERM: the main thread waits for it.
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM, signal.SIGINT})

    kwargs = {}
    context = None
    if args.cert:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(args.cert, args.key)
    if context and not args.implicit_tls:
        kwargs["tls_context"] = context
        kwargs["require_starttls"] = args.require_starttls
    if args.auth:
        user, password = args.auth.split(":", 1)
        kwargs["authenticator"] = make_authenticator(user, password, args.dir)
        kwargs["auth_required"] = True
        # Plain-text AUTH only where there is TLS, unless the relay has none.
        kwargs["auth_require_tls"] = context is not None
    controller = Controller(Recorder(args.dir), hostname="127.0.0.1", port=args.port,
                            ssl_context=context if args.implicit_tls else None,
                            server_hostname="127.0.0.1", **kwargs)
    controller.start()
    with open(os.path.join(args.dir, "ready"), "w", encoding="utf-8") as f:
        f.write(str(os.getpid()))
    signal.sigwait({signal.SIGTERM, signal.SIGINT})
    controller.stop()


if __name__ == "__main__":
    main()
