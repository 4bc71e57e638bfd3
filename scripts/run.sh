#!/usr/bin/env bash
# Builds memberd if needed and runs it in the foreground with etc/memberd.yaml
# (README command one). Extra arguments go to the daemon, e.g.
#   scripts/run.sh --set log.level=debug
# Safe to run again and again: packages are installed and the build is
# configured only once; a no-op build prints nothing.
# shellcheck source-path=SCRIPTDIR
set -euo pipefail

# shellcheck source=packages.sh
source "$(dirname "${BASH_SOURCE[0]}")/packages.sh"

ensure_packages "${MEMBERD_BUILD_PACKAGES[@]}"
# shellcheck disable=SC2119  # (no extra cmake args)
build_project

cd "$MEMBERD_REPO"
# The default config keeps state under var/ and the socket under run/,
# relative to the working directory.
mkdir -p var run
# The key that seals authenticator-app secrets (etc/memberd.yaml,
# two_step.secret_key_file): made once, readable by this user only.
if [[ ! -s var/two-step.key ]]; then
  (umask 077 && head -c 32 /dev/urandom | od -An -tx1 -v | tr -d ' \n' >var/two-step.key)
fi
exec "$MEMBERD_BUILD_DIR/daemon/memberd" --config etc/memberd.yaml "$@"
