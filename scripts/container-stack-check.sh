#!/bin/bash
# The container image and the compose stack, built and run for real, checked end to end:
# image built from the local Debian base, non-root, `check --deploy`; then PostgreSQL, S3,
# migrate, app and worker under compose; /health/ready ok; a key made inside the app
# container; a CSV uploaded through the API, ingested by the worker into S3, its rows read;
# a backup inside the container, restored into a new empty stack; the HEALTHCHECK. Everything is torn down after
# (containers, volumes, network, the throwaway env file), pass or fail. Loopback only.
#
#   scripts/container-stack-check.sh          # root, podman + podman-compose (docs/operations.md)
# Not part of `make test`: it needs a container engine and takes minutes. Exits non-zero on
# the first failed step. Prints `container-stack-check: ... ok` with the measured figures.
set -euo pipefail

cd "$(dirname "$0")/.."
ENGINE=${ENGINE:-podman}
COMPOSE=${COMPOSE:-podman-compose}
export BASE_IMAGE=${BASE_IMAGE:-localhost/bookworm-python:3.11}
PROJECT=datacollab-check
IMAGE=localhost/datacollab:latest
READY_SECONDS=${READY_SECONDS:-300}
CSV=$'id,vehicle,speed\n1,bike-1,12.5\n2,bike-2,20.0\n3,bike-3,7.25\n'

step() { printf '\n== %s\n' "$*"; }
fail() { printf 'container-stack-check: FAILED: %s\n' "$*" >&2; exit 1; }

WORK=$(mktemp -d)
export DATACOLLAB_ENV_FILE="$WORK/datacollab.env"
DATACOLLAB_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
export DATACOLLAB_PORT POSTGRES_PASSWORD
POSTGRES_PASSWORD=$(python3 -c 'import secrets; print(secrets.token_hex(16))')
compose() { "$COMPOSE" -p "$PROJECT" -f compose.yaml -f compose.local.yaml "$@"; }

cleanup() {
    status=$?
    if [ "$status" -ne 0 ]; then
        echo "--- logs of the stack (last lines) ---" >&2
        compose logs --tail 40 >&2 2>&1 || true
    fi
    compose down -v >/dev/null 2>&1 || true
    rm -rf "$WORK"
    exit "$status"
}
trap cleanup EXIT INT TERM

# The example environment with fresh secrets; mail goes nowhere (console backend absent in
# production settings, so a host that does not exist is fine: nothing here sends mail).
sed -e "s|^SECRET_KEY=.*|SECRET_KEY=$(python3 -c 'import secrets; print(secrets.token_urlsafe(64))')|" \
    -e "s|^AUDIT_HMAC_KEY=.*|AUDIT_HMAC_KEY=$(python3 -c 'import secrets; print(secrets.token_hex(32))')|" \
    -e "s|^AWS_SECRET_ACCESS_KEY=.*|AWS_SECRET_ACCESS_KEY=local-check|" \
    -e "s|^WORKER_HEARTBEAT_SECONDS=.*|WORKER_HEARTBEAT_SECONDS=5|" \
    deploy/datacollab.env.example > "$DATACOLLAB_ENV_FILE"

step "base image $BASE_IMAGE"
"$ENGINE" image exists "$BASE_IMAGE" || scripts/container-base-image.sh

step "build $IMAGE"
started=$(date +%s)
# --format docker: podman's default OCI format has no HEALTHCHECK and would drop it.
build() { "$ENGINE" build --quiet --format docker --build-arg BASE_IMAGE="$BASE_IMAGE" "$@" >/dev/null; }
build -t "$IMAGE" .
build_seconds=$(( $(date +%s) - started ))
size_mb=$(( $("$ENGINE" image inspect --format '{{.Size}}' "$IMAGE") / 1000000 ))
echo "built in ${build_seconds}s, ${size_mb} MB"
# The local PostgreSQL and S3 images of compose.local.yaml (cached after the first run).
build -t localhost/datacollab-postgres:15 -f deploy/local/postgres.Containerfile .
build -t localhost/datacollab-s3:local -f deploy/local/s3.Containerfile .

step "the image: not root, check --deploy"
uid=$("$ENGINE" run --rm "$IMAGE" id -u)
[ "$uid" = 10001 ] || fail "the image runs as uid $uid, not 10001"
"$ENGINE" run --rm --env-file "$DATACOLLAB_ENV_FILE" \
    -e DATABASE_URL=postgres://nobody@127.0.0.1:1/none -e DATASETS_STORAGE=s3 \
    "$IMAGE" datacollab check --deploy --fail-level WARNING

container() {
    "$ENGINE" ps -a -q --filter "label=io.podman.compose.project=$PROJECT" \
        --filter "label=com.docker.compose.service=$1"
}
app() { compose exec -T app "$@"; }

# compose.yaml's order, one stage at a time: podman 4.3 (Debian bookworm) has no `healthy`
# condition, and its --requires on the exited migrate job stops app and worker from starting.
# Docker Compose, or a newer podman, does the same with a plain `up -d`.
stack_up() {
    compose up -d --no-build --no-deps postgres s3 >/dev/null
    for _ in $(seq 60); do
        compose exec -T postgres pg_isready -q -U datacollab -d datacollab 2>/dev/null && break
        sleep 1
    done
    compose up -d --no-build --no-deps migrate >/dev/null
    [ "$("$ENGINE" wait "$(container migrate)")" = 0 ] || fail "the migrate job did not exit 0"
}
# Then app and worker, and wait for readiness.
stack_serve() {
    compose up -d --no-build --no-deps app worker >/dev/null
    ready=""
    for _ in $(seq "$READY_SECONDS"); do
        if body=$(curl -fsS "http://127.0.0.1:$DATACOLLAB_PORT/health/ready" 2>/dev/null); then
            ready=$body
            return 0
        fi
        sleep 1
    done
    fail "/health/ready not 200 after ${READY_SECONDS}s"
}

step "compose up"
started=$(date +%s)
stack_up
stack_serve
ready_seconds=$(( $(date +%s) - started ))
echo "ready in ${ready_seconds}s: $ready"
python3 - "$ready" <<'PY'
import json, sys
body = json.loads(sys.argv[1])
wanted = {"status": "ok", "database": "ok", "storage": "ok", "worker": "ok"}
assert {k: body.get(k) for k in wanted} == wanted, body
PY

step "a steward, an open dataset and an API key, inside the app container"
token=$(app datacollab shell -c '
from datacollab.api.services.tokens import create_token
from datacollab.datasets.models import Dataset
from datacollab.organisations.models import Membership, Organisation, User
from django.utils import timezone
user = User.objects.create_user(
    email="steward@example.org", password=None, display_name="Steward",
    email_verified_at=timezone.now(),
)
org = Organisation.objects.create(slug="fleet", name="Fleet", kind="non_profit", country="GB")
Membership.objects.create(user=user, organisation=org, role=Membership.Role.MEMBER)
Dataset.objects.create(
    slug="bikes", title="Bikes", description="Readings.", owner=org, created_by=user,
    spectrum="open", licence="CC0-1.0",
)
print(create_token(actor=user, name="container check")[1])
' | tail -n 1)
[ -n "$token" ] || fail "no API key"

api() {  # the TLS proxy's header, as in production behind one
    curl -sS -H "Authorization: Bearer $token" -H "X-Forwarded-Proto: https" "$@"
}
base="http://127.0.0.1:$DATACOLLAB_PORT/api/v1/datasets/bikes"

step "upload a CSV through the API; the worker ingests it into S3"
printf '%s' "$CSV" > "$WORK/bikes.csv"
upload=$(api -F "file=@$WORK/bikes.csv;type=text/csv" "$base/uploads")
upload_id=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])' <<<"$upload") \
    || fail "upload refused: $upload"
status=""
for _ in $(seq 120); do
    status=$(api "$base/uploads/$upload_id" | python3 -c 'import json,sys; print(json.load(sys.stdin)["status"])')
    case $status in received|processing) sleep 1 ;; *) break ;; esac
done
[ "$status" = draft ] || fail "upload $upload_id is $status, not draft: $(api "$base/uploads/$upload_id")"
code=$(api -o /dev/null -w '%{http_code}' -X POST "$base/uploads/$upload_id/publish")
[ "$code" = 201 ] || fail "publish answered $code"
vehicles=$(api "$base/versions/1/rows" | python3 -c 'import json,sys; print(",".join(r["vehicle"] for r in json.load(sys.stdin)["rows"]))')
[ "$vehicles" = "bike-1,bike-2,bike-3" ] || fail "rows read back: $vehicles"
parquet=$(app python -c '
import os, boto3
s3 = boto3.client("s3", endpoint_url=os.environ["AWS_S3_ENDPOINT_URL"])
keys = [o["Key"] for o in s3.list_objects_v2(Bucket=os.environ["AWS_STORAGE_BUCKET_NAME"]).get("Contents", [])]
print(len([k for k in keys if k.endswith(".parquet")]))
')
[ "$parquet" = 1 ] || fail "$parquet Parquet files in the bucket, not 1"
echo "rows $vehicles; $parquet Parquet file in S3"

step "backup inside the app container, audit chain verified"
app datacollab backup -o /var/lib/datacollab/check-backup.tar.gz
app datacollab audit verify
"$ENGINE" cp "$(container app):/var/lib/datacollab/check-backup.tar.gz" "$WORK/backup.tar.gz"

step "the image's HEALTHCHECK"
app_container=$(container app)
[ "$("$ENGINE" image inspect --format '{{.Config.Healthcheck.Test}}' "$IMAGE")" != "[]" ] \
    || fail "the image has no HEALTHCHECK"
"$ENGINE" healthcheck run "$app_container" || fail "HEALTHCHECK failed"

step "restore into an empty stack (new volumes); the rows come back from S3"
# As the runbook says: migrated and empty, before any worker (its heartbeat row is data).
compose down -v >/dev/null 2>&1
stack_up
chmod 0755 "$WORK" && chmod 0644 "$WORK/backup.tar.gz"
compose run --rm --no-deps -v "$WORK/backup.tar.gz:/tmp/backup.tar.gz:ro" app \
    datacollab restore /tmp/backup.tar.gz
stack_serve
vehicles=$(api "$base/versions/1/rows" | python3 -c 'import json,sys; print(",".join(r["vehicle"] for r in json.load(sys.stdin)["rows"]))')
[ "$vehicles" = "bike-1,bike-2,bike-3" ] || fail "rows after restore: $vehicles"
echo "rows after restore: $vehicles"

echo
echo "container-stack-check: image=${size_mb}MB build_s=${build_seconds} ready_s=${ready_seconds} ok"
