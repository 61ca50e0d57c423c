#!/usr/bin/env bash
# Installs the system libraries ORMLab links against (SQLite, libedit), and tmux and strace
# (used by the tests), when they are missing. Safe to run repeatedly.
set -euo pipefail
need=()
dpkg -s libsqlite3-dev >/dev/null 2>&1 || need+=(libsqlite3-dev)
dpkg -s libedit-dev    >/dev/null 2>&1 || need+=(libedit-dev)
dpkg -s pkg-config     >/dev/null 2>&1 || dpkg -s pkgconf >/dev/null 2>&1 || need+=(pkg-config)
command -v tmux >/dev/null 2>&1 || need+=(tmux)        # the terminal tests drive the REPL in tmux
command -v strace >/dev/null 2>&1 || need+=(strace)    # the sandbox test checks which files are opened
if [ ${#need[@]} -gt 0 ]; then
  echo "ormlab: installing system packages: ${need[*]}" >&2
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  $SUDO apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >&2
fi
