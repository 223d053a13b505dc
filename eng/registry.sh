#!/usr/bin/env bash
# Starts a local OCI registry (Debian's docker-registry, installed by eng/install.sh) on 127.0.0.1, for
# the examples that publish images: storage and log under one directory, no auth, loopback only. Safe
# to run again: when the registry already answers it only prints its address.
#
# Prints one line on stdout: the registry's address, such as 127.0.0.1:5000.
#
# Environment:
#   SLUICE_REGISTRY_DIR   where its configuration, storage and log live (default /var/tmp/sluice-registry)
#   SLUICE_REGISTRY_PORT  its port (default 5000)
set -euo pipefail

readonly STATE=${SLUICE_REGISTRY_DIR:-/var/tmp/sluice-registry}
readonly PORT=${SLUICE_REGISTRY_PORT:-5000}
readonly ADDRESS=127.0.0.1:$PORT
readonly EXECUTABLE=/usr/bin/docker-registry

log() { printf 'registry: %s\n' "$*" >&2; }
die() {
    printf 'registry: error: %s\n' "$*" >&2
    exit 1
}

answers() { curl --silent --output /dev/null --max-time 2 "http://$ADDRESS/v2/"; }

main() {
    if answers; then
        log "already answering on $ADDRESS"
        printf '%s\n' "$ADDRESS"
        return
    fi

    [[ -x $EXECUTABLE ]] || die "$EXECUTABLE is missing: run eng/install.sh"
    mkdir -p "$STATE/storage"
    cat >"$STATE/config.yml" <<CONFIG
version: 0.1
log:
  level: info
storage:
  filesystem:
    rootdirectory: $STATE/storage
  delete:
    enabled: true
http:
  addr: $ADDRESS
CONFIG
    setsid "$EXECUTABLE" serve "$STATE/config.yml" >>"$STATE/registry.log" 2>&1 </dev/null &
    local _
    for _ in $(seq 1 50); do
        if answers; then
            log "started on $ADDRESS (log: $STATE/registry.log)"
            printf '%s\n' "$ADDRESS"
            return
        fi
        sleep 0.2
    done
    die "docker-registry did not answer on $ADDRESS within 10 s; see $STATE/registry.log"
}

main "$@"
