#!/usr/bin/env bash
# The first command of a fresh machine: installs what is missing (Docker engine, stand-in images),
# builds the sluice command, and runs the hello-world Task and Pipeline with it.
set -euo pipefail
cd "$(dirname "$0")/.."

bash eng/install.sh
bash eng/images/build.sh

echo "==> building sluice (artifacts/sluice/sluice)"
# Ahead-of-time compiled (ReadyToRun): a command that starts often should not spend its first second
# compiling itself.
dotnet publish src/Sluice.Cli -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true \
    -o artifacts/sluice --nologo -v quiet
sluice=artifacts/sluice/sluice

port=8765
echo "==> serving examples/hello-world/site on http://127.0.0.1:$port"
python3 -m http.server "$port" --bind 127.0.0.1 --directory examples/hello-world/site >/dev/null 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true' EXIT
for _ in $(seq 1 50); do
    if curl -fsS "http://127.0.0.1:$port/message.txt" >/dev/null 2>&1; then
        break
    fi
    sleep 0.1
done

echo "==> sluice run examples/hello-world/hello-task.yaml"
"$sluice" run --config eng/images/standins.yaml examples/hello-world/hello-task.yaml
echo
echo "==> sluice run --network host examples/hello-world/hello-pipeline.yaml"
"$sluice" run --config eng/images/standins.yaml --network host examples/hello-world/hello-pipeline.yaml
