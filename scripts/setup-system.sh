#!/usr/bin/env bash
# Installs the system libraries ORMLab links against (SQLite, libedit, libpq), PostgreSQL's server, and tmux and strace
# (used by the tests), when they are missing. Safe to run repeatedly.
set -euo pipefail
need=()
dpkg -s libsqlite3-dev >/dev/null 2>&1 || need+=(libsqlite3-dev)
dpkg -s libedit-dev    >/dev/null 2>&1 || need+=(libedit-dev)
dpkg -s pkg-config     >/dev/null 2>&1 || dpkg -s pkgconf >/dev/null 2>&1 || need+=(pkg-config)
dpkg -s libpq-dev      >/dev/null 2>&1 || need+=(libpq-dev)     # PostgresKit links libpq
dpkg -s postgresql     >/dev/null 2>&1 || need+=(postgresql)    # ./dev pg: the private server
command -v tmux >/dev/null 2>&1 || need+=(tmux)        # the terminal tests drive the REPL in tmux
command -v strace >/dev/null 2>&1 || need+=(strace)    # the sandbox test checks which files are opened
command -v chromium >/dev/null 2>&1 || need+=(chromium) # the HTML page and SVG tests render them headless
if [ ${#need[@]} -gt 0 ]; then
  echo "ormlab: installing system packages: ${need[*]}" >&2
  SUDO=()
  # Not root: sudo, which may ask for a password at a terminal but never waits for one in CI.
  if [ "$(id -u)" -ne 0 ]; then
    if [ -t 0 ]; then SUDO=(sudo); else SUDO=(sudo -n); fi
  fi
  "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 update -qq >&2
  "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -qq "${need[@]}" >&2
fi
