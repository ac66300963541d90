# Python tools the tests call (scripts/test-requirements.txt), in a virtual environment
# under .data/venv. Source scripts/postgres.sh first (for as_root) and set ROOT.

ensure_python_tools() {
  local venv="$ROOT/.data/venv"
  local requirements="$ROOT/scripts/test-requirements.txt"
  if ! command -v python3 >/dev/null || ! python3 -c 'import venv, ensurepip' 2>/dev/null; then
    echo "python3-venv not found; installing it with apt-get…" >&2
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq python3-venv >/dev/null
  fi
  if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
  fi
  # Installed again only when the requirements changed since the last install.
  if ! cmp -s "$requirements" "$venv/installed-requirements.txt"; then
    "$venv/bin/pip" install -q --disable-pip-version-check -r "$requirements"
    cp "$requirements" "$venv/installed-requirements.txt"
  fi
  export HIFINITY_TEST_PYTHON="$venv/bin/python"
}
