# shellcheck shell=bash
# The start the plugin benchmarks share (photo.sh, mail.sh, reviews.sh, closure.sh,
# soak.sh), sourced after scripts/packages.sh and their package install and
# `say`: builds the project quietly, sources lib.sh and daemon.sh, and sets
# $memberd_bin and the bootstrap admin's $admin_email and $admin_password.

say "building (log: $MEMBERD_BUILD_DIR/build.log)"
# shellcheck disable=SC2119
build_project
# shellcheck disable=SC2034  # read by daemon.sh and the caller
memberd_bin=$MEMBERD_BUILD_DIR/daemon/memberd

# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source=daemon.sh
source "$(dirname "${BASH_SOURCE[0]}")/daemon.sh"
# shellcheck disable=SC2034
admin_email=bench-admin@memberd.local
# shellcheck disable=SC2034
admin_password=$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')
