#!/usr/bin/env bash
# The photo plugin on loopback (bench/README.md):
#   1. uploads of a 2 MP camera-like JPEG processed per second (libvips in
#      the plugin's worker processes: header check, three square sizes as
#      JPEG and WebP, metadata removed), from BENCH_CLIENTS (2) clients at
#      once, and the peak RSS of the daemon and of each worker;
#   2. GET of a published photo (the medium WebP, from the rendition
#      cache) beside nginx serving the same bytes from a file.
#
#   bench/photo.sh                       build if needed, then measure
#   BENCH_UPLOADS=100 bench/photo.sh     more uploads
# shellcheck source-path=SCRIPTDIR/../scripts
set -euo pipefail

# shellcheck source=../scripts/packages.sh
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/packages.sh"

uploads=${BENCH_UPLOADS:-40}
clients=${BENCH_CLIENTS:-2}
duration=${BENCH_DURATION:-5}
for var in uploads clients duration; do
  [[ ${!var} =~ ^[1-9][0-9]*$ ]] || { echo "bench: $var must be a positive integer" >&2; exit 64; }
done
say() { echo "bench: $*" >&2; }

ensure_packages wrk nginx-light curl "${MEMBERD_BUILD_PACKAGES[@]}"
# shellcheck source=prelude.sh
source "$(dirname "${BASH_SOURCE[0]}")/prelude.sh"
tool=$MEMBERD_BUILD_DIR/bench/memberd-bench-photo

photo=$work/camera-2mp.jpg
"$tool" jpeg 1920 1080 "$photo"
# A member has one upload processed at a time and photo.uploads_per_hour
# (issue 27): each client is a member of its own, and the hour's limit is
# lifted for the measurement.
start_memberd photo "sqlite:$work/photo/memberd.db" "[credentials, photo]" --set photo.requires_approval=false \
  --set "photo.uploads_per_hour=$uploads"

password=$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')
tokens=()
for client in $(seq "$clients"); do
  email=photographer$client@example.com
  curl -sS -o /dev/null -X POST -H 'Content-Type: application/json' \
    --data "{\"email\":\"$email\",\"email_confirm\":\"$email\",\"password\":\"$password\",\"password_confirm\":\"$password\"}" \
    "$base/api/v1/members"
  tokens+=("$(curl -sS -X POST -H 'Content-Type: application/json' \
    --data "{\"email\":\"$email\",\"password\":\"$password\"}" "$base/api/v1/session" | json_field token)")
done
token=${tokens[0]}

echo
echo "== uploads: a $(du -k "$photo" | cut -f1) KiB 1920 x 1080 JPEG, $uploads uploads from $clients clients (a member each)"
rss_before=$(rss_kib "$pid" VmRSS)
started=$(date +%s.%N)
# Client c sends uploads c, c + clients, ... one after another as its member.
client_pids=()
for client in $(seq "$clients"); do
  for ((n = client; n <= uploads; n += clients)); do
    curl -sS -o /dev/null -w '%{http_code}\n' -X PUT \
      -H "Authorization: Bearer ${tokens[client - 1]}" -H 'Content-Type: image/jpeg' --data-binary "@$photo" \
      "$base/api/v1/me/photo"
  done >"$work/upload-codes.$client" &
  client_pids+=("$!")
done
wait "${client_pids[@]}"
cat "$work"/upload-codes.* >"$work/upload-codes"
ended=$(date +%s.%N)
ok=$(grep -c '^201$' "$work/upload-codes" || true)
awk -v n="$ok" -v a="$started" -v b="$ended" -v all="$uploads" \
  'BEGIN { printf "processed %d of %d: %.1f uploads/s (%.0f ms each, wall)\n", n, all, n / (b - a), 1000 * (b - a) / all }'
echo "daemon RSS before $(mib "$rss_before"), peak $(mib "$(rss_kib "$pid" VmHWM)")"
# The pixels are decoded in the plugin's photo-worker processes.
for child in $(photo_workers "$pid"); do
  echo "photo-worker $child: peak RSS $(mib "$(rss_kib "$child" VmHWM)")"
done

url=$(curl -sS -H "Authorization: Bearer $token" "$base/api/v1/me/photo" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["published"]["urls"]["medium"])')
echo
echo "== GET a published photo (medium WebP), 64 connections"
start_nginx
curl -sS -H 'Accept: image/webp' -o "$nginx_dir/www/photo.webp" "$base$url"
printf '%-34s %s\n' "memberd $url" "$(wrk_line "$base$url" 64 -H 'Accept: image/webp')"
printf '%-34s %s\n' "nginx (the same bytes, a file)" "$(wrk_line "$nginx_base/photo.webp" 64)"
stop_memberd
