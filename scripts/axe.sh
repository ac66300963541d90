# Sourced by scripts/test: axe-core, the accessibility rules the browser tests run inside
# each candidate and portal page, at the exact version scripts/axe/package-lock.json
# records (with its integrity hash), installed with `npm ci` into .data/axe. Reinstalls
# only when that lock changed; installs Debian's npm when missing. Relies on as_root from
# scripts/postgres.sh.

ensure_axe() {
  local dir="$ROOT/.data/axe" lock="$ROOT/scripts/axe/package-lock.json"
  if ! command -v npm >/dev/null; then
    echo "npm not found; installing it with apt-get…" >&2
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq npm >/dev/null
  fi
  mkdir -p "$dir"
  (
    flock 9
    if [ -f "$dir/node_modules/axe-core/axe.min.js" ] && cmp -s "$lock" "$dir/installed-package-lock.json"; then exit 0; fi
    echo "Installing axe-core for the accessibility tests into $dir…" >&2
    cp "$ROOT/scripts/axe/package.json" "$lock" "$dir/"
    (cd "$dir" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >&2)
    cp "$lock" "$dir/installed-package-lock.json"
  ) 9>"$ROOT/.data/axe.lock"
  export HIFINITY_TEST_AXE="$dir/node_modules/axe-core/axe.min.js"
}
