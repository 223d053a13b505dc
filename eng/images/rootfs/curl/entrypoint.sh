#!/bin/sh
# Sluice stand-in for the entrypoint of the curlimages/curl image: the arguments go to curl when the
# first one is an option or names no command on PATH; otherwise they are a command.
set -e

if [ "${1#-}" != "${1}" ] || [ -z "$(command -v "${1}")" ]; then
    set -- curl "$@"
fi
exec "$@"
