# Sourced by scripts/test: a project-local Python virtualenv under .data/venv with the
# tools the tests run (scripts/test-requirements.txt, pinned). Reinstalls only when that
# file changed. Relies on as_root from scripts/postgres.sh.

ensure_python_tools() {
  local venv="$ROOT/.data/venv" requirements="$ROOT/scripts/test-requirements.txt"
  if ! python3 -c 'import venv, ensurepip' 2>/dev/null; then
    echo "python3-venv not found; installing it with apt-get…" >&2
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq python3-venv >/dev/null
  fi
  mkdir -p "$ROOT/.data"
  (
    flock 9
    if [ -x "$venv/bin/python" ] && cmp -s "$requirements" "$venv/installed-requirements.txt"; then exit 0; fi
    echo "Installing the tests' Python tools into $venv…" >&2
    [ -x "$venv/bin/python" ] || python3 -m venv "$venv"
    "$venv/bin/pip" install -q --disable-pip-version-check -r "$requirements" >&2
    cp "$requirements" "$venv/installed-requirements.txt"
  ) 9>"$ROOT/.data/venv.lock"
  export PATH="$venv/bin:$PATH"
  export HIFINITY_TEST_PYTHON="$venv/bin/python"
}
