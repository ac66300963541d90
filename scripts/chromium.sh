# Sourced by scripts/test: the browser tests drive Debian's headless Chromium through
# chromedriver (/usr/bin/chromium, /usr/bin/chromedriver); install both when missing.
# Relies on as_root from scripts/postgres.sh.

ensure_chromium() {
  if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then return 0; fi
  echo "Chromium or chromedriver not found; installing them with apt-get…" >&2
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq chromium chromium-driver >/dev/null
  if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
    echo "error: could not install chromium and chromium-driver" >&2
    exit 1
  fi
}
