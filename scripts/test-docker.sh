#!/usr/bin/env bash
# npm run test:docker: builds docker/Dockerfile with podman and runs the image (api and worker)
# against this machine's PostgreSQL and Redis. Where no container engine can run it says so
# loudly and exits 0 (it is a separate step of .ci/run: building takes many minutes).
#
# What these machines need (see /work/shared/environment-notes.md "Containers"): podman with
# runc (crun refuses the cgroup mode), cgroup_manager=cgroupfs, events_logger=file, host
# networking, and a runc wrapper that drops the OCI spec's rlimits (root lacks CAP_SYS_RESOURCE).
# No image registry is reachable: the base image is made here (mmdebstrap minbase bookworm +
# this machine's Node 20 + its CA bundle) and passed as the Dockerfile's NODE_IMAGE.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
WORK=${DDNN_DOCKER_WORK:-/var/tmp/ddnn-docker-test}
BASE_IMAGE=localhost/ddnn-node20-base:bookworm
IMAGE=localhost/ddnn-platform:test
PG_SERVER=${TEST_DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/postgres}
REDIS_URL=${TEST_REDIS_URL:-redis://127.0.0.1:6379}
SUFFIX=$(od -An -N4 -tx1 /dev/urandom | tr -d ' \n')
DB_NAME=ddnn_test_docker_$SUFFIX
QUEUE_PREFIX=ddnn-test-docker-$SUFFIX
ADMIN_TOKEN=docker-test-admin-token-$SUFFIX
START=$(date +%s)

skip() {
  echo "" >&2
  echo "################################################################" >&2
  echo "# test:docker SKIPPED: $*" >&2
  echo "# (the Docker image was NOT built or tested on this machine)" >&2
  echo "################################################################" >&2
  exit 0
}
step() { echo "== test:docker [$(($(date +%s) - START)) s] $*"; }
fail() {
  echo "test:docker FAILED: $*" >&2
  exit 1
}

command -v podman > /dev/null || skip "podman is not installed (Debian: apt-get install podman buildah mmdebstrap runc)"
command -v runc > /dev/null || skip "runc is not installed"
mkdir -p "$WORK"

# The runc wrapper: drop the rlimits from the bundle's config.json (create/run) and from the
# process file of `runc exec --process` (podman exec, health checks), then run runc.
WRAPPER=$WORK/runc-no-rlimits
cat > "$WRAPPER" << 'WRAP'
#!/bin/sh
bundle=""
process=""
prev=""
for arg in "$@"; do
  case "$prev" in --bundle | -b) bundle=$arg ;; --process | -p) process=$arg ;; esac
  case "$arg" in --bundle=*) bundle=${arg#--bundle=} ;; --process=*) process=${arg#--process=} ;; esac
  prev=$arg
done
strip() {
  node -e 'const f=process.argv[1],fs=require("fs"),c=JSON.parse(fs.readFileSync(f));delete c.rlimits;if(c.process)delete c.process.rlimits;fs.writeFileSync(f,JSON.stringify(c))' "$1"
}
if [ -n "$bundle" ] && [ -f "$bundle/config.json" ]; then strip "$bundle/config.json"; fi
if [ -n "$process" ] && [ -f "$process" ]; then strip "$process"; fi
exec runc "$@"
WRAP
chmod +x "$WRAPPER"
PODMAN=(podman --cgroup-manager=cgroupfs --events-backend=file --runtime="$WRAPPER")

"${PODMAN[@]}" info > "$WORK/podman-info.txt" 2>&1 || skip "podman cannot run here: $(tail -1 "$WORK/podman-info.txt")"

NAMES=()
cleanup() {
  for name in "${NAMES[@]}"; do "${PODMAN[@]}" rm -f "$name" > /dev/null 2>&1 || true; done
  psql "$PG_SERVER" -qc "DROP DATABASE IF EXISTS $DB_NAME" > /dev/null 2>&1 || true
  redis-cli -u "$REDIS_URL" --scan --pattern "$QUEUE_PREFIX:*" 2> /dev/null |
    xargs -r redis-cli -u "$REDIS_URL" del > /dev/null 2>&1 || true
}
trap cleanup EXIT

if ! "${PODMAN[@]}" image exists "$BASE_IMAGE"; then
  command -v mmdebstrap > /dev/null || skip "no $BASE_IMAGE and no mmdebstrap to make it"
  node --version | grep -q '^v20\.' || skip "the base image copies this machine's Node, which is $(node --version), not 20"
  step "base image: mmdebstrap minbase bookworm + Node $(node --version)"
  rm -rf "$WORK/base" && mkdir -p "$WORK/base"
  mmdebstrap --quiet --variant=minbase bookworm "$WORK/base/rootfs.tar" ||
    skip "mmdebstrap could not make a Debian root file system (no Debian mirror reachable?)"
  "${PODMAN[@]}" import "$WORK/base/rootfs.tar" localhost/ddnn-debian-minbase:bookworm > /dev/null
  cp "$(command -v node)" "$WORK/base/node"
  cp -r "$(dirname "$(readlink -f "$(command -v npm)")")/.." "$WORK/base/npm"
  cp /etc/ssl/certs/ca-certificates.crt "$WORK/base/ca-certificates.crt"
  cat > "$WORK/base/Containerfile" << 'BASE'
FROM localhost/ddnn-debian-minbase:bookworm
COPY node /usr/local/bin/node
COPY npm /usr/local/lib/node_modules/npm
COPY ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \
  && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx \
  && groupadd -g 1000 node && useradd -u 1000 -g node -m node
ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt
BASE
  "${PODMAN[@]}" build --network host -t "$BASE_IMAGE" "$WORK/base" > "$WORK/base-build.log" 2>&1 ||
    fail "base image build, see $WORK/base-build.log"
fi

step "building $IMAGE from docker/Dockerfile (context: the repository, filtered by .dockerignore)"
BUILD_START=$(date +%s)
"${PODMAN[@]}" build --format docker --network host --build-arg NODE_IMAGE="$BASE_IMAGE" \
  -f docker/Dockerfile -t "$IMAGE" "$ROOT" > "$WORK/build.log" 2>&1 ||
  { tail -30 "$WORK/build.log" >&2; fail "image build, whole log in $WORK/build.log"; }
BUILD_S=$(($(date +%s) - BUILD_START))
SIZE_MB=$(($("${PODMAN[@]}" image inspect --format '{{.Size}}' "$IMAGE") / 1000000))
step "built in $BUILD_S s; image $SIZE_MB MB"

run_in_image() { "${PODMAN[@]}" run --rm --network host "$IMAGE" "$@"; }
[ "$(run_in_image sh -c 'test -e node_modules/@tensorflow/tfjs-node && echo present || echo absent')" = absent ] ||
  fail "the runtime image has @tensorflow/tfjs-node"
DANGLING=$(run_in_image sh -c 'find node_modules -xtype l | head -5')
[ -z "$DANGLING" ] || fail "dangling links in the runtime image: $DANGLING"
[ "$(run_in_image sh -c 'echo $API_HOST')" = 0.0.0.0 ] || fail "API_HOST is not 0.0.0.0 in the image"
run_in_image npx --no ddnn --help > /dev/null || fail "the ddnn command does not run in the image"
step "runtime image: no tfjs-node, no dangling links, API_HOST=0.0.0.0, ddnn runs"

free_port() { node -e 's=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
PORT=$(free_port)
# the gRPC port too: the containers share the host's network, where 8001 (the default) may be taken
GRPC_PORT=$(free_port)
DATABASE_URL=$(node -e 'const u=new URL(process.argv[1]);u.pathname="/"+process.argv[2];console.log(u.href)' "$PG_SERVER" "$DB_NAME")
ENV_ARGS=(-e DATABASE_URL="$DATABASE_URL" -e REDIS_URL="$REDIS_URL" -e QUEUE_PREFIX="$QUEUE_PREFIX"
  -e ADMIN_TOKEN="$ADMIN_TOKEN" -e API_PORT="$PORT" -e GRPC_PORT="$GRPC_PORT" -e LOG_LEVEL=warn)
API=ddnn-test-api-$SUFFIX
WORKER=ddnn-test-worker-$SUFFIX
NAMES+=("$API" "$WORKER")
"${PODMAN[@]}" run -d --name "$API" --network host "${ENV_ARGS[@]}" "$IMAGE" > /dev/null
# Not only loopback: the image listens on every interface (a plain `docker run -p` reaches it).
HOST_IP=$(hostname -I | awk '{print $1}')
for _ in $(seq 1 120); do
  curl -fs "http://${HOST_IP:-127.0.0.1}:$PORT/health" > /dev/null 2>&1 && break
  sleep 1
done
curl -fs "http://${HOST_IP:-127.0.0.1}:$PORT/health" | grep -q '"ok"' ||
  { "${PODMAN[@]}" logs "$API" | tail -20 >&2; fail "the api container does not answer /health on $HOST_IP:$PORT"; }
"${PODMAN[@]}" healthcheck run "$API" > /dev/null || fail "the image's HEALTHCHECK fails on a serving api"
step "api container: /health on $HOST_IP:$PORT, HEALTHCHECK passes"

"${PODMAN[@]}" run -d --name "$WORKER" --network host "${ENV_ARGS[@]}" "$IMAGE" node dist/apps/worker/src/main.js > /dev/null
for _ in $(seq 1 120); do
  "${PODMAN[@]}" logs "$WORKER" 2>&1 | grep -q 'worker ready' && break
  sleep 1
done
"${PODMAN[@]}" logs "$WORKER" 2>&1 | grep -q 'worker ready' ||
  { "${PODMAN[@]}" logs "$WORKER" | tail -20 >&2; fail "the worker container did not get ready"; }
"${PODMAN[@]}" exec "$WORKER" node dist/apps/worker/src/health-check.js ||
  fail "the worker's health check fails on a running worker"
"${PODMAN[@]}" run --rm --network host -e DATABASE_URL=postgresql://postgres@127.0.0.1:1/x \
  -e REDIS_URL="$REDIS_URL" "$IMAGE" node dist/apps/worker/src/health-check.js 2> /dev/null &&
  fail "the worker's health check passes with PostgreSQL unreachable"
step "worker container: ready, its health check passes (and fails without PostgreSQL)"
step "PASSED in $(($(date +%s) - START)) s (image build $BUILD_S s, image $SIZE_MB MB)"
