# Sourced by scripts/run and scripts/test: when DATABASE_URL is unset, start (or reuse)
# a project-local PostgreSQL cluster under .data/postgres and export DATABASE_URL.
# Safe to run twice or from two scripts at once: a lock guards initdb and start.

PG_PORT="${HIFINITY_PG_PORT:-54329}"
PG_DATA="$ROOT/.data/postgres"

# The newest installed PostgreSQL that has the server binaries (not only the client).
find_pg_bin() {
  local dir
  for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -rV); do
    if [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then echo "$dir"; return; fi
  done
}

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

install_postgres() {
  echo "PostgreSQL server binaries not found; installing them with apt-get…" >&2
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq postgresql >/dev/null
}

# Run a PostgreSQL server command as the user that owns the cluster: PostgreSQL refuses
# to run as root, so root hands the cluster to the `postgres` system user.
as_pg_owner() {
  if [ "$(id -u)" = 0 ]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi
}

ensure_postgres() {
  if [ -n "${DATABASE_URL:-}" ]; then return 0; fi

  local bin
  bin="$(find_pg_bin)"
  if [ -z "$bin" ]; then install_postgres; bin="$(find_pg_bin)"; fi
  if [ -z "$bin" ]; then echo "error: could not find or install PostgreSQL" >&2; exit 1; fi

  mkdir -p "$ROOT/.data"
  # As root the cluster belongs to `postgres`, which must reach its folder: a checkout
  # under a private home (e.g. /root) keeps the cluster under /var/tmp instead.
  if [ "$(id -u)" = 0 ] && ! runuser -u postgres -- test -x "$ROOT/.data"; then
    PG_DATA="/var/tmp/hifinity-$(printf %s "$ROOT" | sha256sum | cut -c1-12)/postgres"
    mkdir -p "$(dirname "$PG_DATA")"
    chmod 755 "$(dirname "$PG_DATA")"
  fi
  local superuser
  if [ "$(id -u)" = 0 ]; then superuser=postgres; else superuser="$(id -un)"; fi

  (
    flock 9
    if [ ! -s "$PG_DATA/PG_VERSION" ]; then
      echo "Creating a local PostgreSQL cluster in $PG_DATA (port $PG_PORT)…" >&2
      mkdir -p "$PG_DATA"
      if [ "$(id -u)" = 0 ]; then chown postgres: "$PG_DATA"; fi
      chmod 700 "$PG_DATA"
      as_pg_owner "$bin/initdb" -D "$PG_DATA" -U "$superuser" --auth=trust \
        --encoding=UTF8 --locale=C.UTF-8 >"$ROOT/.data/initdb.log" 2>&1 \
        || { cat "$ROOT/.data/initdb.log" >&2; exit 1; }
    fi
    if ! as_pg_owner "$bin/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1; then
      as_pg_owner "$bin/pg_ctl" -D "$PG_DATA" -w -t 60 -l "$PG_DATA/server.log" \
        -o "-p $PG_PORT -k $PG_DATA -c listen_addresses=127.0.0.1 -c max_connections=300" \
        start >/dev/null 9>&- \
        || { tail -n 20 "$PG_DATA/server.log" >&2; exit 1; }
    fi
    # The app's database; tests create their own databases through it.
    if ! "$bin/psql" -h 127.0.0.1 -p "$PG_PORT" -U "$superuser" -d postgres -Atqc \
        "select 1 from pg_database where datname = 'hifinity'" | grep -q 1; then
      "$bin/createdb" -h 127.0.0.1 -p "$PG_PORT" -U "$superuser" hifinity
    fi
  ) 9>"$ROOT/.data/postgres.lock"

  export DATABASE_URL="postgres://$superuser@127.0.0.1:$PG_PORT/hifinity"
}
