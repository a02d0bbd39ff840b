#!/usr/bin/env bash
# A throwaway PostgreSQL server for the tests, on a fresh Debian machine or a developer's.
#
#   scripts/postgres.sh install      install PostgreSQL with apt-get when initdb is missing
#   scripts/postgres.sh start        initdb a cluster in a new temporary directory, start it on a
#                                    free loopback port; prints DATABASE_URL=… and PGDATA=…
#   scripts/postgres.sh stop PGDATA  stop that server and delete its directory
#   scripts/postgres.sh pause PGDATA         stop that server, keeping its data (an outage)
#   scripts/postgres.sh resume PGDATA PORT   start it again on the same port
#
# initdb refuses to run as root, so as root the server runs as the `postgres` user (created by
# the Debian package) or, failing that, a system user of our own.
set -euo pipefail

find_bin() {
    if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
        dirname "$(command -v initdb)"
        return
    fi
    local found
    found=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
    if [[ -n "$found" && -x "$found/initdb" ]]; then
        echo "$found"
    fi
}

server_user() {
    if id postgres >/dev/null 2>&1; then
        echo postgres
    else
        id optout-pg >/dev/null 2>&1 || useradd --system --no-create-home optout-pg
        echo optout-pg
    fi
}

as_server() {
    if [[ $(id -u) -eq 0 ]]; then
        runuser -u "$(server_user)" -- "$@"
    else
        "$@"
    fi
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

install() {
    if [[ -n "$(find_bin)" ]]; then
        return
    fi
    if [[ $(id -u) -ne 0 ]]; then
        echo "postgres.sh: PostgreSQL is not installed and installing it needs root" >&2
        exit 1
    fi
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq postgresql >/dev/null
    [[ -n "$(find_bin)" ]] || { echo "postgres.sh: no initdb after installing" >&2; exit 1; }
}

start() {
    install
    local bin data port
    bin=$(find_bin)
    data=$(mktemp -d "${TMPDIR:-/tmp}/optout-pg.XXXXXX")
    chmod 700 "$data"
    if [[ $(id -u) -eq 0 ]]; then
        chown "$(server_user)" "$data"
    fi
    as_server "$bin/initdb" -D "$data" --username=optout --auth=trust --encoding=UTF8 \
        --no-instructions >"$data.initdb.log" 2>&1 \
        || { cat "$data.initdb.log" >&2; exit 1; }
    rm -f "$data.initdb.log"
    for attempt in 1 2 3; do
        port=$(free_port)
        if launch "$bin" "$data" "$port"; then
            echo "DATABASE_URL=postgresql://optout@127.0.0.1:$port/postgres"
            echo "PGDATA=$data"
            return
        fi
    done
    cat "$data/server.log" >&2
    exit 1
}

launch() {
    local bin=$1 data=$2 port=$3
    as_server "$bin/pg_ctl" -D "$data" -l "$data/server.log" -w -t 30 start -o \
        "-p $port -k $data -c listen_addresses=127.0.0.1 -c fsync=off \
         -c synchronous_commit=off -c full_page_writes=off -c max_connections=100" \
        >/dev/null
}

pause() {
    local data=${1:?usage: postgres.sh pause PGDATA}
    as_server "$(find_bin)/pg_ctl" -D "$data" -m fast -w stop >/dev/null
}

resume() {
    local data=${1:?usage: postgres.sh resume PGDATA PORT} port=${2:?usage: postgres.sh resume PGDATA PORT}
    launch "$(find_bin)" "$data" "$port" || { cat "$data/server.log" >&2; exit 1; }
}

stop() {
    local data=${1:?usage: postgres.sh stop PGDATA}
    local bin
    bin=$(find_bin)
    as_server "$bin/pg_ctl" -D "$data" -m immediate -w stop >/dev/null 2>&1 || true
    rm -rf "$data"
}

case "${1:-}" in
    install) install ;;
    start) start ;;
    stop) stop "${2:-}" ;;
    pause) pause "${2:-}" ;;
    resume) resume "${2:-}" "${3:-}" ;;
    *) echo "usage: $0 install | start | stop PGDATA | pause PGDATA | resume PGDATA PORT" >&2; exit 2 ;;
esac
