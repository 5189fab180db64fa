# xks-mock, the mock XKS proxy, as an image.
#
#   scripts/build-images.sh                      # no registry: local base image + production node_modules
#   docker build -t xks-harness/xks-mock:local . # with a registry: node:20-slim; copies the host's node_modules
#                                                # as they are (run `npm ci` and `npm run build` first)
#
# Listens on 443 (HTTPS, TLS 1.2+, the spec's suites) on all interfaces, admin API off. TLS: the dev PKI in
# /app/certs (made on first start: trust it with `xks-harness conformance --image-ca-path /app/certs/ca.pem`; or
# copied there before start: all six files of DEV_PKI_FILES, or server.pem + server.key.pem (+ ca.pem) — any other
# part of a set is refused, exit 2), or a config file's tls.certFile/keyFile: mount or copy the file and set
# XKS_MOCK_CONFIG to its path (e.g. /config/config.json).
# Flags after the image name replace the default arguments (`--help` lists them).
ARG BASE_IMAGE=node:20-slim
FROM ${BASE_IMAGE}

LABEL org.opencontainers.image.title="xks-mock" \
      org.opencontainers.image.description="Mock AWS KMS external key store (XKS) proxy, XKS Proxy API v1"
# The image is no git checkout: without XKS_MOCK_CERTS_DIR the dev PKI would go to the user's state directory.
ENV NODE_ENV=production XKS_MOCK_CERTS_DIR=/app/certs
WORKDIR /app
# Dependencies first: they change less often than the build.
COPY package.json package-lock.json ./
COPY node_modules/ ./node_modules/
COPY harness/data/ ./harness/data/
COPY dist/ ./dist/
# certs/ is where the dev PKI lives; the unprivileged user must be able to create it there.
COPY --chown=1000:1000 certs/README.md ./certs/README.md

# uid 1000 is `node` in the official images and in scripts/build-base-image.sh's; Docker lets any user bind
# ports below 1024 inside a container (net.ipv4.ip_unprivileged_port_start=0 since Engine 20.10).
USER 1000:1000
EXPOSE 443
ENTRYPOINT ["node", "--max-semi-space-size=64", "dist/src/bin/xks-mock.js"]
CMD ["--host", "0.0.0.0", "--port", "443", "--admin-port", "off"]
