#!/usr/bin/env bash
# Starts a throwaway PostgreSQL server for the store tests, as root on Debian 12: installs Debian's
# postgresql package if it is missing, makes a dedicated system user, creates a cluster in a scratch
# directory, and starts it on 127.0.0.1 on a spare port (only loopback, password authentication).
# Safe to run again: when the server is already up it only prints its URL.
#
# Prints one line on stdout: the URL the tests read from SLUICE_TEST_POSTGRES, such as
#   postgres://sluice:PASSWORD@127.0.0.1:55432/sluice_test
#
# Environment:
#   SLUICE_POSTGRES_DIR   where the cluster lives (default /var/tmp/sluice-postgres)
#   SLUICE_POSTGRES_PORT  the first port to try (default 55432)
set -euo pipefail

readonly STATE=${SLUICE_POSTGRES_DIR:-/var/tmp/sluice-postgres}
readonly FIRST_PORT=${SLUICE_POSTGRES_PORT:-55432}
readonly OS_USER=sluice-postgres
readonly DB_USER=sluice
readonly DATABASE=sluice_test

log() { printf 'postgres: %s\n' "$*" >&2; }
die() {
    printf 'postgres: error: %s\n' "$*" >&2
    exit 1
}

# The newest server binaries Debian installed, such as /usr/lib/postgresql/15/bin.
server_binaries() {
    local directory
    directory=$(find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -name bin -type d 2>/dev/null | sort -V | tail -n 1)
    [[ -n $directory && -x $directory/pg_ctl ]] && printf '%s\n' "$directory"
}

install_server() {
    if [[ -n $(server_binaries) ]]; then
        return
    fi
    [[ $(id -u) -eq 0 ]] || die "PostgreSQL is not installed and installing it needs root"
    log "apt-get install postgresql"
    DEBIAN_FRONTEND=noninteractive apt-get install --yes --no-install-recommends postgresql >&2 ||
        { apt-get update >&2 && DEBIAN_FRONTEND=noninteractive apt-get install --yes --no-install-recommends postgresql >&2; }
    [[ -n $(server_binaries) ]] || die "postgresql installed but no server binaries under /usr/lib/postgresql"
}

ensure_user() {
    id "$OS_USER" >/dev/null 2>&1 || useradd --system --no-create-home --home-dir "$STATE" --shell /usr/sbin/nologin "$OS_USER"
}

as_owner() { runuser -u "$OS_USER" -- "$@"; }

port_is_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

spare_port() {
    local port
    for ((port = FIRST_PORT; port < FIRST_PORT + 200; port++)); do
        if port_is_free "$port"; then
            printf '%s\n' "$port"
            return
        fi
    done
    die "no free port from $FIRST_PORT to $((FIRST_PORT + 199))"
}

server_is_up() {
    [[ -f $STATE/port ]] && as_owner "$BIN/pg_ctl" -D "$STATE/data" status >/dev/null 2>&1 &&
        as_owner "$BIN/pg_isready" -q -h 127.0.0.1 -p "$(cat "$STATE/port")"
}

create_cluster() {
    log "creating a cluster in $STATE"
    rm -rf "$STATE"
    mkdir -p "$STATE/socket"
    head -c 18 /dev/urandom | base64 | tr -d '/+=' >"$STATE/password"
    chown -R "$OS_USER" "$STATE"
    chmod 700 "$STATE"
    as_owner "$BIN/initdb" --pgdata="$STATE/data" --username="$DB_USER" --pwfile="$STATE/password" \
        --auth-local=scram-sha-256 --auth-host=scram-sha-256 --encoding=UTF8 --no-locale >"$STATE/initdb.log" 2>&1 ||
        { cat "$STATE/initdb.log" >&2; die "initdb failed"; }
}

start_server() {
    local port
    port=$(spare_port)
    printf '%s\n' "$port" >"$STATE/port"
    chown "$OS_USER" "$STATE/port"
    log "starting on 127.0.0.1:$port"
    as_owner "$BIN/pg_ctl" -D "$STATE/data" -l "$STATE/server.log" -w -t 60 \
        -o "-c listen_addresses=127.0.0.1 -p $port -c unix_socket_directories=$STATE/socket -c fsync=off -c max_connections=200" start >&2 ||
        { tail -n 20 "$STATE/server.log" >&2; die "the server did not start; see $STATE/server.log"; }
}

ensure_database() {
    local port password
    port=$(cat "$STATE/port")
    password=$(cat "$STATE/password")
    if ! PGPASSWORD=$password psql -h 127.0.0.1 -p "$port" -U "$DB_USER" -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$DATABASE'" | grep -q 1; then
        PGPASSWORD=$password psql -h 127.0.0.1 -p "$port" -U "$DB_USER" -d postgres -qc "CREATE DATABASE $DATABASE" >&2
    fi
    printf 'postgres://%s:%s@127.0.0.1:%s/%s\n' "$DB_USER" "$password" "$port" "$DATABASE"
}

main() {
    install_server
    BIN=$(server_binaries)
    readonly BIN
    ensure_user
    if server_is_up; then
        log "already running on 127.0.0.1:$(cat "$STATE/port")"
    else
        [[ -f $STATE/data/PG_VERSION && -f $STATE/password ]] || create_cluster
        as_owner "$BIN/pg_ctl" -D "$STATE/data" stop -m immediate >/dev/null 2>&1 || true
        start_server
    fi
    ensure_database
}

main "$@"
