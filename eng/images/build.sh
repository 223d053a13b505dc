#!/usr/bin/env bash
# Builds local stand-ins for the public images that the Tekton examples and catalog tasks name, since
# no public registry is reachable from the build machines. eng/images/standins.yaml maps the public
# references onto them and eng/images/check.sh tries them. Each is built from Debian 12 packages
# (debootstrap, Debian's busybox-static) and imported with `docker import`, with the ENTRYPOINT, CMD,
# ENV, WORKDIR and USER of the image it stands in for, because Tekton's rule for steps with args and
# no command depends on them. The recipes are in lib/units.sh.
#
# Usage: eng/images/build.sh [--force] [--only UNIT]... [--list]
#   --force      rebuild even the images that exist
#   --only UNIT  build only this unit (see --list); may be repeated
#   --list       print the units and the images each one makes
#
# An image is skipped when it exists and carries the label of this recipe (a digest of lib/, rootfs/
# and nop/, which decide what the images hold, and for a unit that copies this machine's .NET SDK or
# certificate authorities, of those too), so editing a recipe rebuilds. One Debian root
# filesystem is bootstrapped once and kept under the work directory; each Debian-based image starts
# from a copy of it. Units build two at a time; the log of each is under the work directory.
#
# Environment:
#   SLUICE_STANDIN_WORKDIR  work directory (default /var/cache/sluice-standin)
#   SLUICE_STANDIN_JOBS     units built at once (default 2)
#   SLUICE_DEBIAN_MIRROR    Debian mirror for debootstrap (default http://deb.debian.org/debian)
#
# shellcheck source-path=SCRIPTDIR
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
readonly SCRIPT_DIR
readonly ROOTFS_OVERLAYS=$SCRIPT_DIR/rootfs
readonly NOP_SOURCE=$SCRIPT_DIR/nop
readonly DOCKER=(/usr/bin/docker --host unix:///var/run/docker.sock)
readonly BUSYBOX=/bin/busybox
readonly PREFIX=sluice-standin
readonly TAG=bookworm
readonly SUITE=bookworm
readonly MIRROR=${SLUICE_DEBIAN_MIRROR:-http://deb.debian.org/debian}
readonly WORK=${SLUICE_STANDIN_WORKDIR:-/var/cache/sluice-standin}
readonly JOBS=${SLUICE_STANDIN_JOBS:-2}
readonly BASE=$WORK/debian-base
readonly TREES=$WORK/trees
readonly LOGS=$WORK/logs
readonly LABEL_RECIPE=dev.sluice.standin.recipe
readonly LABEL_FOR=dev.sluice.standin.for

# The units, longest first so that the pool finishes early. nop waits for golang, which compiles it.
# UNIT_IMAGES names each image NAME, tagged TAG, or NAME:OTHER_TAG.
readonly UNITS=(golang node git dotnet-sdk nop dotnet-runtime-deps python perl buildpack-deps curl jq ubuntu bash
    alpine busybox chainguard-busybox)
declare -A UNIT_IMAGES=(
    [golang]=golang [node]=node [python]=python [perl]=perl [ubuntu]=ubuntu
    [buildpack-deps]=buildpack-deps [curl]=curlimages/curl [jq]=jq
    [git]="alpine/git tektoncd/alpine-git-nonroot chainguard/git"
    [bash]=bash [alpine]=alpine [busybox]=busybox [chainguard-busybox]=chainguard/busybox
    [nop]=tektoncd/nop
    [dotnet-sdk]=dotnet-sdk [dotnet-runtime-deps]="dotnet-runtime-deps dotnet-runtime-deps:$TAG-arm64"
)
readonly UNIT_IMAGES
declare -A UNIT_AFTER=([nop]=golang)
readonly UNIT_AFTER

# shellcheck source=lib/trees.sh
source "$SCRIPT_DIR/lib/trees.sh"
# shellcheck source=lib/units.sh
source "$SCRIPT_DIR/lib/units.sh"

FORCE=false
ONLY=()
RECIPE=
PENDING=()
CURRENT=()
FAILED=()
declare -A RUNNING=()
declare -A STARTED=()

log() { printf 'build: %s\n' "$*"; }
die() {
    printf 'build: error: %s\n' "$*" >&2
    exit 1
}

usage() {
    sed -n '2,/^set -euo/{/^# shellcheck/d;/^#/s/^# \{0,1\}//p}' "${BASH_SOURCE[0]}"
}

image_name() {
    if [[ $1 == *:* ]]; then printf '%s/%s' "$PREFIX" "$1"; else printf '%s/%s:%s' "$PREFIX" "$1" "$TAG"; fi
}

now_us() { printf '%s' "${EPOCHREALTIME/./}"; }

format_duration() {
    local elapsed_us=$1
    printf '%d.%01ds' $((elapsed_us / 1000000)) $((elapsed_us % 1000000 / 100000))
}

# run_logged LOG COMMAND...: runs COMMAND with errexit in a subshell that nothing tests (a tested
# subshell ignores errexit), its output to LOG.
run_logged() {
    local log=$1 status=0
    shift
    (
        set -euo pipefail
        "$@"
    ) >"$log" 2>&1 &
    wait "$!" || status=$?
    return "$status"
}

# A digest of everything that decides what the images hold: the recipes and the files they copy (not
# this driver, whose changes leave the images as they are).
compute_recipe() {
    (
        cd "$SCRIPT_DIR"
        find lib rootfs nop -type f -print0 | sort -z | xargs -0 sha256sum
        printf '%s %s\n' "$SUITE" "$MIRROR"
    ) | sha256sum | cut -c1-16
}

# unit_recipe UNIT: the recipe of UNIT's images, RECIPE with what recipe_inputs_UNIT (lib/units.sh)
# prints, for a unit whose images hold files of this machine.
unit_recipe() {
    if declare -F "recipe_inputs_$1" >/dev/null; then
        {
            printf '%s\n' "$RECIPE"
            "recipe_inputs_$1"
        } | sha256sum | cut -c1-16
    else
        printf '%s' "$RECIPE"
    fi
}

# image_is_current IMAGE RECIPE
image_is_current() {
    local recipe
    recipe=$("${DOCKER[@]}" image inspect --format "{{index .Config.Labels \"$LABEL_RECIPE\"}}" "$(image_name "$1")" 2>/dev/null) || return 1
    [[ $recipe == "$2" ]]
}

unit_is_current() {
    local image recipe
    recipe=$(unit_recipe "$1")
    for image in ${UNIT_IMAGES[$1]}; do
        image_is_current "$image" "$recipe" || return 1
    done
}

unit_needs_debian_base() {
    [[ $1 != alpine && $1 != busybox && $1 != chainguard-busybox && $1 != nop ]]
}

# --- The pool of units -------------------------------------------------------------------------------

start_unit() {
    local unit=$1
    log "[$unit] building ${UNIT_IMAGES[$unit]// /, } (log: $LOGS/$unit.log)"
    (
        set -euo pipefail
        RECIPE=$(unit_recipe "$unit")
        "build_unit_$unit"
        rm -rf "${TREES:?}/$unit"
    ) >"$LOGS/$unit.log" 2>&1 &
    RUNNING[$!]=$unit
    STARTED[$unit]=$(now_us)
}

# Waits for one unit to end and reports it.
reap_unit() {
    local pid status=0 unit elapsed
    wait -n -p pid || status=$?
    unit=${RUNNING[$pid]}
    unset "RUNNING[$pid]"
    elapsed=$(format_duration $(($(now_us) - STARTED[$unit])))
    if ((status == 0)); then
        log "[$unit] done in $elapsed"
    else
        log "[$unit] FAILED after $elapsed (exit $status); last lines of $LOGS/$unit.log:"
        tail -n 25 "$LOGS/$unit.log" | sed 's/^/    /' >&2
        FAILED+=("$unit")
    fi
}

# A unit may start when the unit it comes after is neither waiting nor running.
unit_may_start() {
    local after=${UNIT_AFTER[$1]:-} waiting=$2
    [[ -z $after ]] && return 0
    [[ " $waiting " != *" $after "* && " ${RUNNING[*]} " != *" $after "* ]]
}

# run_units UNIT...: builds the units, JOBS at a time, each when the unit it comes after has ended.
run_units() {
    local waiting=("$@") unit index started
    while ((${#waiting[@]} > 0 || ${#RUNNING[@]} > 0)); do
        started=false
        if ((${#RUNNING[@]} < JOBS)); then
            for index in "${!waiting[@]}"; do
                unit=${waiting[$index]}
                if unit_may_start "$unit" "${waiting[*]}"; then
                    unset "waiting[$index]"
                    waiting=("${waiting[@]}")
                    start_unit "$unit"
                    started=true
                    break
                fi
            done
        fi
        [[ $started == true ]] || reap_unit
    done
}

stop_running_units() {
    local pid
    for pid in "${!RUNNING[@]}"; do
        kill -TERM -- "-$pid" 2>/dev/null || true
    done
    rm -rf "${TREES:?}"
}

# --- Main --------------------------------------------------------------------------------------------

# ldd fails on a statically linked program; the images need BusyBox without shared libraries.
busybox_is_static() {
    "$BUSYBOX" --list >/dev/null 2>&1 || return 1
    ! ldd "$BUSYBOX" >/dev/null 2>&1
}

check_prerequisites() {
    [[ $(id -u) -eq 0 ]] || die "run as root (debootstrap, chroot and docker need it)"
    [[ -x ${DOCKER[0]} ]] || die "${DOCKER[0]} not found; run eng/install.sh first"
    "${DOCKER[@]}" info >/dev/null 2>&1 || die "the Docker engine does not answer; run eng/install.sh first"
    command -v debootstrap >/dev/null || die "debootstrap not found; run eng/install.sh first"
    busybox_is_static || die "$BUSYBOX is not Debian's static busybox; run eng/install.sh first (package busybox-static)"
}

parse_arguments() {
    local unit image
    while (($# > 0)); do
        case $1 in
        --force) FORCE=true ;;
        --only)
            [[ -n ${2:-} && -n ${UNIT_IMAGES[$2]:-} ]] || die "--only needs a unit: ${UNITS[*]}"
            ONLY+=("$2")
            shift
            ;;
        --list)
            for unit in "${UNITS[@]}"; do
                for image in ${UNIT_IMAGES[$unit]}; do printf '%-20s %s\n' "$unit" "$(image_name "$image")"; done
            done
            exit 0
            ;;
        -h | --help)
            usage
            exit 0
            ;;
        *) die "unknown argument $1 (see --help)" ;;
        esac
        shift
    done
}

# Sorts the selected units into PENDING (an image to build) and CURRENT (all built with this recipe).
select_units() {
    local unit selected=("${UNITS[@]}")
    ((${#ONLY[@]} == 0)) || selected=("${ONLY[@]}")
    for unit in "${selected[@]}"; do
        if [[ $FORCE == false ]] && unit_is_current "$unit"; then
            CURRENT+=("$unit")
        else
            PENDING+=("$unit")
        fi
    done
}

build_units() {
    local unit
    # Job control gives each unit its own process group, so that an interrupted build stops whole units.
    set -m
    trap stop_running_units EXIT
    rm -rf "$TREES"
    mkdir -p "$TREES"
    for unit in "$@"; do
        if unit_needs_debian_base "$unit"; then
            prepare_debian_base
            break
        fi
    done
    run_units "$@"
    trap - EXIT
    rm -rf "$TREES"
}

main() {
    local started total
    parse_arguments "$@"
    check_prerequisites
    RECIPE=$(compute_recipe)
    mkdir -p "$WORK" "$LOGS"
    exec 9>"$WORK/.lock"
    flock --exclusive 9
    started=$(now_us)
    select_units
    ((${#CURRENT[@]} == 0)) || log "built already with recipe $RECIPE, skipped: ${CURRENT[*]}"
    ((${#PENDING[@]} == 0)) || build_units "${PENDING[@]}"
    total=$(format_duration $(($(now_us) - started)))
    ((${#FAILED[@]} == 0)) || die "${#FAILED[@]} unit(s) failed after $total: ${FAILED[*]}"
    log "${#PENDING[@]} unit(s) built, ${#CURRENT[@]} skipped, in $total; images: $PREFIX/*:$TAG"
}

main "$@"
