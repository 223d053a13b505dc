#!/bin/sh
# Sluice stand-in for the entrypoint of the official node image: the arguments go to node when the
# first one is an option, names no command on PATH, or is a file that is not executable (a script);
# otherwise they are a command.
set -e

if [ "${1#-}" != "${1}" ] || [ -z "$(command -v "${1}")" ] || { [ -f "${1}" ] && ! [ -x "${1}" ]; }; then
    set -- node "$@"
fi
exec "$@"
