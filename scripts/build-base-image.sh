#!/usr/bin/env bash
# Builds a local Node.js base image with no registry access: a FROM scratch root filesystem holding this
# machine's node binary, the shared libraries `ldd` lists for it (and the dynamic loader), CA certificates,
# /tmp, a `node` user (uid 1000, as in the official node images) and busybox-static for /bin/sh.
#
#   scripts/build-base-image.sh [TAG]      TAG default: $BASE_IMAGE_TAG or xks-harness/node-base:local
#
# Needs docker (a running engine) and busybox-static (installed with apt-get when missing, as root).
# The image is as portable as the node binary it copies: use it on this machine's architecture only.
set -euo pipefail

tag="${1:-${BASE_IMAGE_TAG:-xks-harness/node-base:local}}"

node_bin="$(readlink -f "$(command -v node)")"
[ -x "$node_bin" ] || { echo "build-base-image: no node on PATH" >&2; exit 1; }

if ! dpkg -s busybox-static >/dev/null 2>&1; then
  echo "== build-base-image: installing busybox-static"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -qq busybox-static >/dev/null || { apt-get update -qq && apt-get install -y -qq busybox-static >/dev/null; }
fi
busybox_bin="$(dpkg -L busybox-static | grep -E '/bin/busybox$' | head -n1)"
[ -x "$busybox_bin" ] || { echo "build-base-image: busybox-static not found" >&2; exit 1; }

work="$(mktemp -d "${TMPDIR:-/tmp}/xks-node-base.XXXXXX")"
trap 'rm -rf "$work"' EXIT
root="$work/rootfs"
mkdir -p "$root"/{bin,etc,usr/bin,usr/local/bin,home/node,root,tmp,proc,sys,dev}
chmod 1777 "$root/tmp"
chmod 700 "$root/root"

# node, and every library the loader resolves for it, at the path the loader looks in (copied, not linked:
# the host's /lib is often a symlink into /usr/lib, and the image has no such link).
cp -L "$node_bin" "$root/usr/local/bin/node"
ln -s ../local/bin/node "$root/usr/bin/node"
ldd "$node_bin" | awk '/=> \// { print $3 } /^[[:space:]]*\/[^ ]+/ { print $1 }' | sort -u | while read -r lib; do
  mkdir -p "$root$(dirname "$lib")"
  cp -L "$lib" "$root$lib"
done

# busybox-static: /bin/sh and the usual tools, as symlinks to one binary.
cp -L "$busybox_bin" "$root/bin/busybox"
for applet in $("$busybox_bin" --list); do
  [ -e "$root/bin/$applet" ] || ln -s busybox "$root/bin/$applet"
done

# Users (os.userInfo() and `USER node` want them), name resolution order, CA bundle for NODE_EXTRA_CA_CERTS users.
printf 'root:x:0:0:root:/root:/bin/sh\nnode:x:1000:1000:node:/home/node:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >"$root/etc/passwd"
printf 'root:x:0:\nnode:x:1000:\nnogroup:x:65534:\n' >"$root/etc/group"
printf 'hosts: files dns\n' >"$root/etc/nsswitch.conf"
chown 1000:1000 "$root/home/node"
if [ -f /etc/ssl/certs/ca-certificates.crt ]; then
  mkdir -p "$root/etc/ssl/certs"
  cp -L /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/ca-certificates.crt"
fi

"$root/usr/local/bin/node" --version >/dev/null # the copied binary runs at all
node_version="$("$node_bin" --version)"

tar --numeric-owner -C "$root" -cf "$work/rootfs.tar" .
cat >"$work/Dockerfile" <<EOF
FROM scratch
ADD rootfs.tar /
ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
LABEL org.opencontainers.image.title="xks-harness node base" org.opencontainers.image.version="$node_version"
CMD ["node"]
EOF

echo "== build-base-image: $tag (node $node_version from $node_bin, $(du -sh "$work/rootfs.tar" | cut -f1))"
# The classic builder: FROM scratch needs no pull, and it works with any docker client and engine pairing.
DOCKER_BUILDKIT=0 docker build -q -t "$tag" "$work"
docker run --rm "$tag" node -e 'process.stdout.write(`base image ok: node ${process.version}\n`)'
docker run --rm "$tag" sh -c 'echo "base image ok: $(busybox | head -n1 | cut -d" " -f1-2)"'
