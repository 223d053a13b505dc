#!/usr/bin/env bash
# Installs and starts what Sluice's tests need on Debian 12, as root: Docker's engine (Debian's
# docker.io), a registry, debootstrap and busybox for the stand-in images, bubblewrap, skopeo, QEMU for
# foreign platforms, git, jq and curl. Safe to run again: when everything is there it only checks,
# in about a second.
#
# Environment:
#   SLUICE_APT_MAX_AGE_SECONDS  package lists younger than this are not refreshed (default 6 hours)
#   SLUICE_DOCKERD_LOG          where a dockerd started here logs (default /var/log/sluice-dockerd.log)
set -euo pipefail

readonly PACKAGES=(
    docker.io docker-registry debootstrap busybox-static bubblewrap skopeo
    qemu-user-static binfmt-support git jq curl ca-certificates
)
readonly APT_LISTS=/var/lib/apt/lists
readonly APT_MAX_AGE_SECONDS=${SLUICE_APT_MAX_AGE_SECONDS:-21600}
readonly DOCKER=/usr/bin/docker
readonly DOCKERD=/usr/sbin/dockerd
readonly DOCKER_SOCKET=unix:///var/run/docker.sock
readonly DOCKERD_LOG=${SLUICE_DOCKERD_LOG:-/var/log/sluice-dockerd.log}
readonly DOCKERD_WAIT_SECONDS=60
readonly BINFMT_DIR=/proc/sys/fs/binfmt_misc

log() { printf 'install: %s\n' "$*"; }
warn() { printf 'install: warning: %s\n' "$*" >&2; }
die() {
    printf 'install: error: %s\n' "$*" >&2
    exit 1
}

require_root_on_debian() {
    [[ $(id -u) -eq 0 ]] || die "run as root (apt-get and dockerd need it)"
    command -v apt-get >/dev/null || die "apt-get not found: this script expects Debian 12"
}

# Prints the packages of PACKAGES that dpkg does not list as installed.
missing_packages() {
    local package status
    for package in "${PACKAGES[@]}"; do
        status=$(dpkg-query --show --showformat='${db:Status-Abbrev}' "$package" 2>/dev/null || true)
        [[ $status == "ii "* ]] || printf '%s\n' "$package"
    done
}

apt_lists_are_fresh() {
    local newest
    newest=$(find "$APT_LISTS" -maxdepth 1 -type f -name '*Release' -printf '%T@\n' 2>/dev/null | sort -n | tail -n 1)
    [[ -n $newest ]] && (($(date +%s) - ${newest%.*} < APT_MAX_AGE_SECONDS))
}

install_missing_packages() {
    local missing
    mapfile -t missing < <(missing_packages)
    if ((${#missing[@]} == 0)); then
        log "packages: all ${#PACKAGES[@]} installed"
        return
    fi
    if apt_lists_are_fresh; then
        log "apt lists are younger than $((APT_MAX_AGE_SECONDS / 3600)) h: not refreshing them"
    else
        log "apt-get update"
        apt-get update
    fi
    log "apt-get install ${missing[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get install --yes --no-install-recommends "${missing[@]}"
}

# Registers QEMU for foreign architectures so that multi-platform images can run and build here.
# Best effort: a sandbox may not allow binfmt_misc, and only foreign-platform work needs it.
enable_foreign_platforms() {
    if [[ ! -e $BINFMT_DIR/register ]] && ! mount -t binfmt_misc binfmt_misc "$BINFMT_DIR" 2>/dev/null; then
        warn "cannot mount binfmt_misc: foreign-platform containers will not run"
        return
    fi
    local format missing=()
    for format in qemu-aarch64 qemu-arm qemu-ppc64le qemu-s390x qemu-riscv64; do
        [[ -e $BINFMT_DIR/$format ]] || missing+=("$format")
    done
    if ((${#missing[@]} == 0)); then
        log "binfmt: QEMU handlers registered"
        return
    fi
    log "binfmt: enabling ${missing[*]}"
    for format in "${missing[@]}"; do
        update-binfmts --enable "$format" || warn "update-binfmts --enable $format failed"
    done
}

docker_answers() {
    timeout 10 "$DOCKER" --host "$DOCKER_SOCKET" info >/dev/null 2>&1
}

start_dockerd() {
    log "starting $DOCKERD in the background (log: $DOCKERD_LOG)"
    mkdir -p "$(dirname "$DOCKERD_LOG")"
    printf '\n==== %s: started by %s\n' "$(date --iso-8601=seconds)" "$0" >>"$DOCKERD_LOG"
    setsid --fork "$DOCKERD" >>"$DOCKERD_LOG" 2>&1 </dev/null
}

dockerd_is_running() {
    pgrep --exact dockerd >/dev/null
}

wait_for_docker() {
    local waited
    for ((waited = 0; waited < DOCKERD_WAIT_SECONDS; waited++)); do
        if docker_answers; then
            log "docker: the engine answers after ${waited} s"
            return
        fi
        if ! dockerd_is_running; then
            tail -n 5 "$DOCKERD_LOG" >&2 || true
            die "dockerd exited after ${waited} s; see $DOCKERD_LOG"
        fi
        sleep 1
    done
    tail -n 20 "$DOCKERD_LOG" >&2 || true
    die "dockerd did not answer on $DOCKER_SOCKET within ${DOCKERD_WAIT_SECONDS} s; see $DOCKERD_LOG"
}

ensure_docker_running() {
    if docker_answers; then
        log "docker: the engine answers on $DOCKER_SOCKET"
        return
    fi
    if dockerd_is_running; then
        log "docker: dockerd is running but does not answer yet; waiting"
    else
        start_dockerd
    fi
    wait_for_docker
}

main() {
    require_root_on_debian
    install_missing_packages
    enable_foreign_platforms
    ensure_docker_running
    log "done"
}

main "$@"
