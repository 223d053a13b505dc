#!/usr/bin/env bash
# The project's test command: installs and starts what the tests need (eng/install.sh), builds the
# stand-in images (eng/images/build.sh), then runs `dotnet test Sluice.slnx` from the repository root
# with any extra arguments passed through. Runs as root on Debian 12, from a fresh clone.
#
# The Tekton conformance data must be there: SLUICE_CONFORMANCE_DIR names it (relative paths are from
# the repository root; default ../shared/conformance) and is exported as an absolute path for the tests.
# Missing data is an error, not a reason to skip tests.
#
# Usage: eng/test.sh [dotnet test argument]...
set -euo pipefail

REPOSITORY_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
readonly REPOSITORY_ROOT

die() {
    printf 'test: error: %s\n' "$*" >&2
    exit 1
}

# Prints the absolute path of the conformance data, or fails naming what is missing.
locate_conformance_data() {
    local directory=${SLUICE_CONFORMANCE_DIR:-../shared/conformance} required
    [[ $directory == /* ]] || directory=$REPOSITORY_ROOT/$directory
    [[ -d $directory ]] || die "no conformance data at $directory (set SLUICE_CONFORMANCE_DIR to the directory holding tekton/)"
    directory=$(cd "$directory" && pwd)
    for required in tekton/v1 tekton/catalog tekton/crds tekton/tekton-examples-tiers.tsv; do
        [[ -e $directory/$required ]] || die "conformance data incomplete: $directory/$required is missing"
    done
    printf '%s\n' "$directory"
}

main() {
    SLUICE_CONFORMANCE_DIR=$(locate_conformance_data)
    export SLUICE_CONFORMANCE_DIR
    printf 'test: conformance data: %s\n' "$SLUICE_CONFORMANCE_DIR"
    bash "$REPOSITORY_ROOT/eng/install.sh"
    bash "$REPOSITORY_ROOT/eng/images/build.sh"
    SLUICE_TEST_POSTGRES=$(bash "$REPOSITORY_ROOT/eng/postgres.sh"); export SLUICE_TEST_POSTGRES
    cd "$REPOSITORY_ROOT"
    rm -f artifacts/conformance.txt
    local status=0
    dotnet test Sluice.slnx "$@" || status=$?
    # The conformance suite's report: its failures, then one line "N passed, N failed".
    if [[ -f artifacts/conformance.txt ]]; then
        printf '\nTekton conformance (artifacts/conformance.txt):\n'
        grep -v '^pass ' artifacts/conformance.txt || true
    fi
    return "$status"
}

main "$@"
