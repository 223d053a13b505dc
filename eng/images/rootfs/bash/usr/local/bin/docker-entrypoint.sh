#!/usr/bin/env bash
# Sluice stand-in for the entrypoint of the official bash image: without arguments, or when the first
# argument is an option (`-c 'echo hi'`), the arguments go to bash; otherwise they are a command.
set -Eeuo pipefail

if (($# == 0)) || [[ $1 == -* ]]; then
    exec bash "$@"
fi
exec "$@"
