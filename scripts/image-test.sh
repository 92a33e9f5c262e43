#!/usr/bin/env bash
# Container image test (`npm run image:test`, as root): the image built and run with no network and no registry.
#   1. a private podman configuration (storage, run and lock directories under one temp dir; runc; cgroupfs;
#      file events and locks; no registry to search): nothing of the host's podman is read or changed
#   2. a Debian base image made with mmdebstrap from the host's apt sources (minbase, docs and locales left
#      out like debian:*-slim), cached for the day in $IMAGE_TEST_CACHE, then `podman import`ed
#   3. the air-gapped bundle (`npm run bundle`) and the image from it: `podman build --network none
#      --pull=never --build-arg BUNDLE_FROM=context` (deploy/Containerfile), nothing pulled
#   4. run 1: --network none --read-only --cap-drop=all --security-opt=no-new-privileges --user 10001:10001,
#      the data directory on a tmpfs; inside the container (scripts/image-check.js on the image's Node.js):
#      confinement, no route out, /health/ready, a client token, /detect and /match on test/fixtures photos,
#      no photo bytes on any writable mount; the image's HEALTHCHECK command; a graceful stop (exit 0)
#   5. run 2: the same with a published port (slirp4netns, 127.0.0.1 only): /health/ready from the host
#   6. podman save --format oci-archive, every image removed, podman load, run 3 as run 1
#   7. sizes and timings; on exit (also on failure) every container, image and the storage are removed
# Needs: root, podman, runc, slirp4netns, mmdebstrap (Debian: apt-get install podman buildah mmdebstrap runc),
# `npm ci` done (the bundle is built from this checkout). Exits non-zero on any failed step or check.
# Settings: IMAGE_TEST_CACHE (default /var/tmp/facenition-image-test-cache), IMAGE_TEST_APT_SOURCES (a
# sources.list or .sources file for mmdebstrap; default the host's Debian sources), IMAGE_TEST_SUITE
# (default bookworm), IMAGE_TEST_KEEP=1 (keep the work directory and its storage for a look afterwards).
set -Eeuo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
export PATH="$ROOT/node_modules/.bin:$PATH" # the pinned Node.js 24 (npm run puts it first anyway)
SUITE=${IMAGE_TEST_SUITE:-bookworm}
CACHE=${IMAGE_TEST_CACHE:-/var/tmp/facenition-image-test-cache}
BASE=localhost/facenition-image-test/debian:$SUITE
IMAGE=localhost/facenition-image-test/facenition:test
CGROUP_PARENT=/facenition-image-test-$$
FIXTURES=$ROOT/test/fixtures
PHOTOS=("$FIXTURES/Colin_Powell_0001.jpg" "$FIXTURES/Colin_Powell_0002.jpg" "$FIXTURES/Tony_Blair_0001.jpg")

T0=$(date +%s.%N)
TIMINGS=()
SIZES=()
log() { printf '[image-test] %s\n' "$*"; }
fail() {
  printf '[image-test] FAILED: %s\n' "$*" >&2
  exit 1
}
now() { date +%s.%N; }
took() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
timed() { # timed <label> <command...>: runs it, records its wall time (never call it behind || or &&:
  # errexit would be off inside, and a failure inside would go unnoticed)
  local label=$1 t
  shift
  t=$(now)
  "$@"
  TIMINGS+=("$(printf '%-44s %7s s' "$label" "$(took "$t")")")
}
mib() { awk -v b="$1" 'BEGIN { printf "%.1f MiB", b / 1048576 }'; }
report() {
  [ ${#SIZES[@]} -gt 0 ] && { log "sizes:"; printf '    %s\n' "${SIZES[@]}"; }
  [ ${#TIMINGS[@]} -gt 0 ] && { log "timings (wall):"; printf '    %s\n' "${TIMINGS[@]}"; }
  log "total wall time: $(took "$T0") s"
}

[ "$(id -u)" -eq 0 ] || fail "run as root (rootful podman with private storage; mmdebstrap --mode=root)"
for tool in podman runc slirp4netns mmdebstrap; do
  command -v "$tool" > /dev/null || fail "$tool not found (Debian: apt-get install -y podman buildah mmdebstrap runc)"
done
[ -x "$ROOT/node_modules/.bin/node" ] || fail "run \`npm ci\` first (the bundle is built from this checkout)"
for p in "${PHOTOS[@]}"; do [ -f "$p" ] || fail "$p missing"; done

WORK=""
ENGINE_TMP=""
# host paths podman 4 writes whatever its configuration says: netavark's run directory, the directory of
# network namespaces, and containers/image's blob-info cache (fixed to /var/lib/containers/cache for root).
# Those this run creates are removed at the end (files, then directories if empty), deepest first.
HOST_PATHS=(/var/lib/containers/cache/blob-info-cache-v1.boltdb /var/lib/containers/cache /var/lib/containers
  /run/containers/networks /run/containers /run/netns)
HOST_PATHS_NEW=()
for p in "${HOST_PATHS[@]}"; do [ -e "$p" ] || HOST_PATHS_NEW+=("$p"); done
# podman only ever runs with this run's private configuration: never on the host's containers and images
ours() { [ -n "$WORK" ] && [ "${CONTAINERS_CONF:-}" = "$WORK/conf/containers.conf" ] && [ -f "$CONTAINERS_CONF" ]; }
cleanup() {
  local rc=$?
  set +e
  trap - EXIT INT TERM
  if [ "$rc" -ne 0 ] && ours; then
    for c in $(podman ps -a --format '{{.Names}}' 2> /dev/null); do
      log "--- last log lines of $c ---"
      podman logs --tail 40 "$c" 2>&1 | sed 's/^/    /'
    done
  fi
  if [ "${IMAGE_TEST_KEEP:-0}" = 1 ]; then
    log "IMAGE_TEST_KEEP=1: kept $WORK and $ENGINE_TMP (CONTAINERS_CONF=${CONTAINERS_CONF:-} CONTAINERS_STORAGE_CONF=${CONTAINERS_STORAGE_CONF:-})"
  else
    if ours; then
      podman rm -a -f -t 0 > /dev/null 2>&1
      podman rmi -a -f > /dev/null 2>&1
    fi
    # storage mounts left behind by an interrupted step, deepest first, then the work directories
    for d in $WORK $ENGINE_TMP; do
      findmnt -rn -o TARGET | grep -F "$d/" | sort -r | while read -r m; do umount -l "$m"; done
      rm -rf --one-file-system "$d"
    done
  fi
  # the cgroups of this run's containers and conmon (cgroupfs), and the host paths podman created
  for h in /sys/fs/cgroup/*"$CGROUP_PARENT"; do
    [ -d "$h" ] && find "$h" -depth -type d -exec rmdir {} + 2> /dev/null
  done
  for p in "${HOST_PATHS_NEW[@]}"; do
    if [ -f "$p" ]; then
      rm -f "$p"
    elif [ -d "$p" ] && [ -z "$(ls -A "$p")" ]; then
      # podman bind-mounts /run/netns onto itself (shared propagation for namespace files)
      if mountpoint -q "$p"; then umount "$p"; fi
      rmdir "$p"
    fi
  done
  report
  if [ "$rc" -eq 0 ]; then log "PASSED"; else log "FAILED (exit $rc)"; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

WORK=$(mktemp -d "${TMPDIR:-/var/tmp}/facenition-image-test.XXXXXX")
if [ -z "$WORK" ] || [ ! -d "$WORK" ]; then fail "no work directory"; fi
# podman's per-boot directory: a tmpfs, and short, as slirp4netns's API socket in it must stay < 108 bytes
ENGINE_TMP=$(mktemp -d /run/facenition-it.XXXXXX)
if [ -z "$ENGINE_TMP" ] || [ ! -d "$ENGINE_TMP" ]; then fail "no directory under /run"; fi

# ---------- 1. private podman configuration ----------
mkdir -p "$WORK/conf" "$WORK/storage" "$WORK/run" "$WORK/tmp" "$WORK/networks" "$WORK/context"
cat > "$WORK/conf/containers.conf" << EOF
[containers]
# podman's default ulimits (nofile 1048576) cannot be set on every host
default_ulimits = ["nofile=4096:4096", "nproc=4096:4096"]

[engine]
# crun refuses cgroups v1/hybrid hosts; runc runs on both
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
# file locks under tmp_dir instead of the host-wide /dev/shm/libpod_lock segment other podman users share
lock_type = "file"
tmp_dir = "$ENGINE_TMP"
static_dir = "$WORK/storage/libpod"
volume_path = "$WORK/storage/volumes"

[network]
network_config_dir = "$WORK/networks"
EOF
cat > "$WORK/conf/storage.conf" << EOF
[storage]
driver = "overlay"
graphroot = "$WORK/storage"
runroot = "$WORK/run"
EOF
# no registry is ever searched: a name that is not local fails instead of being pulled
printf 'unqualified-search-registries = []\n' > "$WORK/conf/registries.conf"
export CONTAINERS_CONF=$WORK/conf/containers.conf
export CONTAINERS_STORAGE_CONF=$WORK/conf/storage.conf
export CONTAINERS_REGISTRIES_CONF=$WORK/conf/registries.conf
export TMPDIR=$WORK/tmp # podman's image copies (save/load) and buildah's scratch files

log "work directory $WORK; $(podman --version), $(runc --version | head -1), mmdebstrap $(mmdebstrap --version | awk '{print $2}')"

# ---------- 2. base image without a registry ----------
apt_sources() {
  if [ -n "${IMAGE_TEST_APT_SOURCES:-}" ]; then
    echo "$IMAGE_TEST_APT_SOURCES"
  elif [ -f /etc/apt/sources.list.d/debian.sources ]; then
    echo /etc/apt/sources.list.d/debian.sources
  elif [ -s /etc/apt/sources.list ]; then
    echo /etc/apt/sources.list
  else
    echo "deb http://deb.debian.org/debian $SUITE main"
  fi
}
make_rootfs() {
  mkdir -p "$CACHE"
  ROOTFS=$CACHE/rootfs-$SUITE-$(date -u +%Y%m%d).tar
  if [ -s "$ROOTFS" ]; then
    log "base: cached $ROOTFS"
    return
  fi
  find "$CACHE" -mindepth 1 -maxdepth 1 -name "rootfs-$SUITE-*" -exec rm -rf --one-file-system {} +
  local sources
  sources=$(apt_sources)
  log "base: mmdebstrap $SUITE (minbase) from $sources"
  # like debian:*-slim: no documentation but the copyright files, no man pages, no translations
  if ! mmdebstrap --variant=minbase --mode=root --format=tar --hook-dir=/usr/share/mmdebstrap/hooks/merged-usr \
    --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-include=/usr/share/doc/*/copyright' \
    --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/info/*' \
    --dpkgopt='path-exclude=/usr/share/locale/*' --dpkgopt='path-exclude=/usr/share/lintian/*' \
    "$SUITE" "$ROOTFS.part" "$sources" < /dev/null > "$WORK/mmdebstrap.log" 2>&1; then
    tail -30 "$WORK/mmdebstrap.log"
    fail "mmdebstrap (log above)"
  fi
  mv "$ROOTFS.part" "$ROOTFS"
}
timed "base rootfs (mmdebstrap, or the day's cache)" make_rootfs
SIZES+=("$(printf '%-34s %s' 'base rootfs tarball' "$(mib "$(stat -c %s "$ROOTFS")")")")
timed "podman import (base image)" podman import -q "$ROOTFS" "$BASE" > /dev/null

# ---------- 3. bundle and image, no network ----------
make_bundle() {
  if ! npm run --silent bundle -- --out "$WORK/context" > "$WORK/bundle.log" 2>&1; then
    tail -30 "$WORK/bundle.log"
    fail "npm run bundle (log above)"
  fi
}
timed "npm run bundle" make_bundle
BUNDLE=$(ls "$WORK"/context/facenition-*.tar.gz)
SIZES+=("$(printf '%-34s %s' 'bundle (tar.gz)' "$(mib "$(stat -c %s "$BUNDLE")")")")
timed "podman build (--network none, no pull)" podman build --quiet --network none --pull=never --format docker \
  --cgroup-parent "$CGROUP_PARENT" -f "$ROOT/deploy/Containerfile" \
  --build-arg BUNDLE_FROM=context --build-arg BASE_IMAGE="$BASE" -t "$IMAGE" "$WORK/context" > /dev/null
SIZES+=("$(printf '%-34s %s' 'base image' "$(mib "$(podman image inspect --format '{{.Size}}' "$BASE")")")")
SIZES+=("$(printf '%-34s %s' 'image (base included)' "$(mib "$(podman image inspect --format '{{.Size}}' "$IMAGE")")")")
[ "$(podman image inspect --format '{{.Config.User}}' "$IMAGE")" = 10001 ] || fail "image user is not 10001"
rm -f "$BUNDLE" # the image holds it now

# ---------- runs ----------
photos_json() {
  printf '{"a":"%s","b":"%s","c":"%s"}' "$(base64 -w0 "${PHOTOS[0]}")" "$(base64 -w0 "${PHOTOS[1]}")" "$(base64 -w0 "${PHOTOS[2]}")"
}
# shellcheck disable=SC2054 # the commas are the tmpfs mount options
HARDENING=(--read-only --cap-drop=all --security-opt=no-new-privileges --user 10001:10001
  --tmpfs /var/lib/facenition:rw,size=512m,mode=0700,U --cgroup-parent "$CGROUP_PARENT" --pull=never
  # podman would run the HEALTHCHECK from systemd timers outside this private configuration: checked by hand
  --no-healthcheck)
start() { # start <name> <network options...>
  local name=$1
  shift
  podman run -d --name "$name" "${HARDENING[@]}" "$@" "$IMAGE" > /dev/null
}
# the image's HEALTHCHECK command (Docker format; an OCI image config has no healthcheck: see the load below)
HEALTHCHECK_JSON=$(podman image inspect --format '{{if .HealthCheck}}{{json .HealthCheck.Test}}{{end}}' "$IMAGE")
[[ "$HEALTHCHECK_JSON" == '["CMD","/app/bin/node",'* ]] || fail "image HEALTHCHECK is '$HEALTHCHECK_JSON'"
mapfile -t HEALTHCHECK < <(node -e 'for (const a of JSON.parse(process.argv[1]).slice(1)) console.log(a)' "$HEALTHCHECK_JSON")
LAYERS=$(podman image inspect --format '{{json .RootFS.Layers}}' "$IMAGE")
wait_ready_inside() { # the HEALTHCHECK command, run until it passes (model load, database start)
  local name=$1
  for _ in $(seq 1 180); do
    [ "$(podman inspect --format '{{.State.Running}}' "$name")" = true ] || fail "$name stopped before it was ready"
    podman exec "$name" "${HEALTHCHECK[@]}" && return 0
    sleep 1
  done
  fail "$name: HEALTHCHECK command not passing after 180 s"
}
check_inside() { # scripts/image-check.js in the container, on its Node.js
  local name=$1 mode=$2
  photos_json | podman exec -i "$name" /app/bin/node -e "$(cat "$ROOT/scripts/image-check.js")" "$mode" ||
    fail "$name: checks inside the container"
}
stop_gracefully() { # SIGTERM: shutdown hooks run and node (PID 1) exits 0
  local name=$1 code
  podman stop -t 30 "$name" > /dev/null
  code=$(podman inspect --format '{{.State.ExitCode}}' "$name")
  [ "$code" = 0 ] || fail "$name exited $code on SIGTERM (expected 0: graceful shutdown)"
  # exit 0 can only come from the graceful path (its hard timeout exits 1, an unhandled SIGTERM 143); the log
  # line is a second look that depends on podman's log capture, which once lost a container's later lines here
  podman logs "$name" 2>&1 | grep -q 'database closed' || log "warning: $name exited 0 but 'database closed' is not in podman's log of it"
  podman rm "$name" > /dev/null
}
run_offline() { # run_offline <name>: the full check with no network at all
  local name=$1
  start "$name" --network none
  timed "  $name: start until ready" wait_ready_inside "$name"
  timed "  $name: checks inside (detect, match, ...)" check_inside "$name" none
  timed "  $name: stop (SIGTERM, exit 0)" stop_gracefully "$name"
}

# run 1: no network
log "run 1: --network none, read-only, no capabilities, uid 10001"
timed "run 1 (network none)" run_offline run1

# run 2: a port published on the host's loopback through slirp4netns (no bridge, no firewall rules)
log "run 2: published port (slirp4netns), /health/ready from the host"
PORT=$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
run_published() {
  start run2 --network slirp4netns:port_handler=slirp4netns -p "127.0.0.1:$PORT:8080"
  node -e "
    const url = 'http://127.0.0.1:' + process.argv[1] + '/health/ready';
    const until = Date.now() + 180_000;
    (async () => {
      let last;
      while (Date.now() < until) {
        try {
          const r = await fetch(url, { signal: AbortSignal.timeout(5000) });
          last = r.status + ' ' + (await r.text());
          if (r.status === 200 && JSON.parse(last.slice(4)).status === 'ready') return console.log('[image-test] host: GET ' + url + ' -> ' + last);
        } catch (e) { last = String(e.cause?.code ?? e.message); }
        await new Promise((r) => setTimeout(r, 1000));
      }
      console.error('[image-test] host: ' + url + ' not ready after 180 s: ' + last);
      process.exit(1);
    })();" "$PORT" || fail "run2: /health/ready from the host"
  timed "  run2: stop (SIGTERM, exit 0)" stop_gracefully run2
}
timed "run 2 (slirp4netns, published port)" run_published

# ---------- air gap: save, remove everything, load, run ----------
ARCHIVE=$WORK/facenition-image.oci.tar
timed "podman save --format oci-archive" podman save -q --format oci-archive -o "$ARCHIVE" "$IMAGE"
SIZES+=("$(printf '%-34s %s' 'oci-archive' "$(mib "$(stat -c %s "$ARCHIVE")")")")
podman rmi -f "$IMAGE" "$BASE" > /dev/null
podman image prune -f > /dev/null
[ -z "$(podman images -a -q)" ] || fail "images left before the load: $(podman images -a)"
timed "podman load" podman load -q -i "$ARCHIVE" > /dev/null
podman image exists "$IMAGE" || fail "podman load did not bring back $IMAGE: $(podman images)"
[ "$(podman image inspect --format '{{json .RootFS.Layers}}' "$IMAGE")" = "$LAYERS" ] ||
  fail "the loaded image's layers differ from the built image's"
[ "$(podman image inspect --format '{{.Config.User}} {{json .Config.Entrypoint}}' "$IMAGE")" = \
  '10001 ["/app/bin/node","/app/dist/apps/gateway/src/main.js"]' ] || fail "the loaded image lost its user or entrypoint"
log "loaded image: same layers; HEALTHCHECK $(podman image inspect --format '{{if .HealthCheck}}kept{{else}}dropped (OCI image config has none){{end}}' "$IMAGE")"
log "run 3: the loaded image, --network none"
timed "run 3 (loaded image, network none)" run_offline run3
