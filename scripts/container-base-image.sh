#!/bin/sh
# Build the local base image localhost/bookworm-python:3.11 from Debian's archive alone, for a
# machine that cannot pull from Docker Hub: a minimal bookworm root filesystem (mmdebstrap)
# with python3 and python3-venv, imported into podman, plus this host's extra certificate
# authorities (/usr/local/share/ca-certificates, e.g. a TLS-inspecting egress proxy) so pip
# inside the build trusts what the host trusts. Production builds keep python:3.11-slim-bookworm.
#
#   scripts/container-base-image.sh            # idempotent; the rootfs tarball is cached
#   ENGINE=docker scripts/container-base-image.sh
# Needs root (mmdebstrap, rootful podman) and `apt-get install mmdebstrap podman`.
set -eu

ENGINE=${ENGINE:-podman}
TAG=${BASE_IMAGE:-localhost/bookworm-python:3.11}
CACHE=${DATACOLLAB_IMAGE_CACHE:-/var/cache/datacollab-images}
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
ROOTFS="$CACHE/bookworm-python.tar"

mkdir -p "$CACHE"
if [ ! -s "$ROOTFS" ]; then
    # minbase: dpkg, apt, coreutils, passwd (useradd) and nothing else; security updates
    # come from bookworm-security as on the official image.
    mmdebstrap --variant=minbase \
        --include=python3,python3-venv,ca-certificates \
        bookworm "$ROOTFS.part" \
        "deb $MIRROR bookworm main" \
        "deb $MIRROR bookworm-updates main" \
        "deb http://deb.debian.org/debian-security bookworm-security main"
    mv "$ROOTFS.part" "$ROOTFS"
fi

"$ENGINE" import --change 'CMD ["/bin/bash"]' "$ROOTFS" localhost/bookworm-minbase:latest >/dev/null

# The host's extra authorities, as a layer: update-ca-certificates keeps files under
# /usr/local/share/ca-certificates when a later apt-get reinstalls ca-certificates.
CONTEXT=$(mktemp -d)
trap 'rm -rf "$CONTEXT"' EXIT
mkdir -p "$CONTEXT/ca"
if ls /usr/local/share/ca-certificates/*.crt >/dev/null 2>&1; then
    cp /usr/local/share/ca-certificates/*.crt "$CONTEXT/ca/"
fi
cat > "$CONTEXT/Containerfile" <<'CONTAINERFILE'
FROM localhost/bookworm-minbase:latest
COPY ca/ /usr/local/share/ca-certificates/
RUN update-ca-certificates >/dev/null
CONTAINERFILE
"$ENGINE" build --quiet -t "$TAG" "$CONTEXT" >/dev/null
echo "$TAG"
