#!/usr/bin/env bash
# Smoke checks of the stand-in images that eng/images/build.sh makes: each runs in
# `docker run --rm --network none`, and the checks that pass args without a command start the container
# the way Tekton does (the image's ENTRYPOINT, or its CMD when it has none, followed by the args), so
# they also prove the images' metadata. Last, every target of eng/images/standins.yaml must exist.
#
# Usage: eng/images/check.sh [PATTERN]   (only the checks whose description contains PATTERN)
#
# The single-quoted scripts run inside the containers, where their $ expand.
# shellcheck disable=SC2016
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
readonly SCRIPT_DIR
readonly DOCKER=(/usr/bin/docker --host unix:///var/run/docker.sock)
readonly PREFIX=sluice-standin
readonly TAG=bookworm
readonly TIMEOUT_SECONDS=120
readonly FILTER=${1:-}

PASSED=0
FAILURES=()

# image NAME: sluice-standin/NAME:TAG, or sluice-standin/NAME when NAME has a tag.
image() {
    if [[ $1 == *:* ]]; then printf '%s/%s' "$PREFIX" "$1"; else printf '%s/%s:%s' "$PREFIX" "$1" "$TAG"; fi
}

selected() { [[ -z $FILTER || $1 == *"$FILTER"* ]]; }

report() {
    local description=$1 status=$2 output=$3
    if [[ $status == ok ]]; then
        PASSED=$((PASSED + 1))
        printf 'check: ok    %s\n' "$description"
    else
        FAILURES+=("$description")
        printf 'check: FAIL  %s (%s)\n' "$description" "$status"
        printf '%s\n' "$output" | tail -n 15 | sed 's/^/    | /'
    fi
}

# expect DESCRIPTION PATTERN DOCKER-RUN-ARGUMENT...: the container exits 0 and its output (stdout and
# stderr) has a line matching the extended regular expression PATTERN.
expect() {
    local description=$1 pattern=$2 output status=0
    shift 2
    selected "$description" || return 0
    output=$(timeout "$TIMEOUT_SECONDS" "${DOCKER[@]}" run --rm --network none "$@" 2>&1) || status=$?
    if ((status != 0)); then
        report "$description" "exit $status" "$output"
    elif ! grep -Eq -- "$pattern" <<<"$output"; then
        report "$description" "no line matches /$pattern/" "$output"
    else
        report "$description" ok ""
    fi
}

# expect_failure DESCRIPTION DOCKER-RUN-ARGUMENT...: the container cannot start or exits non-zero.
expect_failure() {
    local description=$1 output status=0
    shift
    selected "$description" || return 0
    output=$(timeout "$TIMEOUT_SECONDS" "${DOCKER[@]}" run --rm --network none "$@" 2>&1) || status=$?
    if ((status == 0)); then report "$description" "exit 0, expected a failure" "$output"; else report "$description" ok ""; fi
}

# The command Tekton runs for a step that gives args and no command: the ENTRYPOINT, or the CMD when
# there is no ENTRYPOINT (pkg/pod/entrypoint_lookup.go), one word a line.
tekton_command() {
    local config
    config=$("${DOCKER[@]}" image inspect --format '{{json .Config}}' "$1")
    jq -r 'if (.Entrypoint // []) | length > 0 then .Entrypoint[] else (.Cmd // [])[] end' <<<"$config"
}

# expect_tekton_args DESCRIPTION PATTERN IMAGE ARG...: runs IMAGE as a Tekton step with args ARG and
# no command.
expect_tekton_args() {
    local description=$1 pattern=$2 image=$3 command=()
    shift 3
    selected "$description" || return 0
    mapfile -t command < <(tekton_command "$image")
    expect "$description" "$pattern" --entrypoint "${command[0]}" "$image" "${command[@]:1}" "$@"
}

# expect_config DESCRIPTION IMAGE EXPECTED: ENTRYPOINT, CMD, WORKDIR and USER as JSON, on one line.
expect_config() {
    local description=$1 image=$2 expected=$3 actual
    selected "$description" || return 0
    actual=$("${DOCKER[@]}" image inspect --format \
        '{{json .Config.Entrypoint}} {{json .Config.Cmd}} {{json .Config.WorkingDir}} {{json .Config.User}}' "$image" 2>&1) || true
    if [[ $actual == "$expected" ]]; then report "$description" ok ""; else report "$description" "got $actual" "want $expected"; fi
}

# expect_platform DESCRIPTION IMAGE EXPECTED: the OS and architecture of the image's config, as os/arch.
expect_platform() {
    local description=$1 image=$2 expected=$3 actual
    selected "$description" || return 0
    actual=$("${DOCKER[@]}" image inspect --format '{{.Os}}/{{.Architecture}}' "$image" 2>&1) || true
    if [[ $actual == "$expected" ]]; then report "$description" ok ""; else report "$description" "got $actual" "want $expected"; fi
}

check_ubuntu() {
    local ubuntu
    ubuntu=$(image ubuntu)
    expect_config "ubuntu: metadata" "$ubuntu" 'null ["/bin/bash"] "" ""'
    expect "ubuntu: ps aux" '^USER +PID' "$ubuntu" ps aux
    expect "ubuntu: ps aux as uid 1001" '^USER +PID' --user 1001 "$ubuntu" ps aux
    expect_tekton_args "ubuntu: args -c 'echo hello' run by /bin/bash" '^hello$' "$ubuntu" -c 'echo hello'
    expect "ubuntu: tools of the examples" '^ok$' "$ubuntu" bash -c \
        'for t in base64 cat chmod cp diff env find grep ls printf rm sed sleep tee touch tr wc; do command -v $t >/dev/null || exit 1; done; echo ok'
    expect_failure "ubuntu: sh is dash, as on Ubuntu ([[ ]] fails)" "$ubuntu" sh -c '[[ a == a ]]'
}

check_bash() {
    local bash
    bash=$(image bash)
    expect_config "bash: metadata" "$bash" '["docker-entrypoint.sh"] ["bash"] "" ""'
    expect_tekton_args "bash: args -c go to bash" '^5\.' "$bash" -c 'echo $BASH_VERSION'
    expect_tekton_args "bash: args echo run as a command" '^hello$' "$bash" echo hello
    expect "bash: sh is busybox ash ([[ ]] works)" '^ok$' "$bash" /bin/sh -c '[[ a == a ]] && echo ok'
    expect "bash: #!/usr/bin/env bash" '^ok$' "$bash" /usr/bin/env bash -c '[[ abc == a* ]] && echo ok'
    expect "bash: tools of the examples" '^ok$' "$bash" bash -c \
        'for t in base64 cat date find head ls printf seq sha256sum tee tr; do command -v $t >/dev/null || exit 1; done; echo ok'
}

check_alpine() {
    local alpine
    alpine=$(image alpine)
    expect_config "alpine: metadata" "$alpine" 'null ["/bin/sh"] "" ""'
    expect "alpine: sh accepts [[ ]] and ==" '^ok$' "$alpine" sh -c '[[ a == a ]] && [ a == a ] && echo ok'
    expect "alpine: #!/usr/bin/env ash" '^ash$' "$alpine" /usr/bin/env ash -c 'echo ash'
    expect_tekton_args "alpine: args -c run by /bin/sh" '^hello$' "$alpine" -c 'echo hello'
    expect "alpine: tools of the examples" '^ok$' "$alpine" sh -c \
        'for t in cat grep head mkfifo printf sleep tee timeout touch tr yes wc base64; do command -v $t >/dev/null || exit 1; done; echo ok'
    expect_failure "alpine: no bash, as on Alpine" "$alpine" bash -c true
}

check_busybox() {
    local busybox
    busybox=$(image busybox)
    expect_config "busybox: metadata" "$busybox" 'null ["sh"] "" ""'
    expect_tekton_args "busybox: args -c 'echo hello' run by sh" '^hello$' "$busybox" -c 'echo hello'
    expect "busybox: default CMD" '.*' "$busybox"
    expect "busybox: ls and sleep" '^ok$' "$busybox" sh -c 'sleep 0.1 && ls / >/dev/null && echo ok'
}

check_python() {
    local python
    python=$(image python)
    expect_config "python: metadata" "$python" 'null ["python3"] "" ""'
    expect "python: python3 -c" '^1$' "$python" python3 -c 'print(1)'
    expect "python: #!/usr/bin/env python3" '^\[1\]$' "$python" /usr/bin/env python3 -c 'import json; print(json.dumps([1]))'
    expect "python: python is python3" '^Python 3' "$python" python --version
}

check_node() {
    local node
    node=$(image node)
    expect_config "node: metadata" "$node" '["docker-entrypoint.sh"] ["node"] "" ""'
    expect "node: node -e" '^1$' "$node" node -e 'console.log(1)'
    expect_tekton_args "node: args -e go to node" '^2$' "$node" -e 'console.log(2)'
    expect "node: #!/usr/bin/env sh accepts ==" '^ok$' "$node" /usr/bin/env sh -c '[ true == "true" ] && echo ok'
}

check_perl() {
    local perl
    perl=$(image perl)
    expect_config "perl: metadata" "$perl" 'null ["perl5.36.0","-de0"] "/usr/src/app" ""'
    expect "perl: perl -e" '^1$' "$perl" perl -e 'print "1\n"'
    expect "perl: #!/usr/bin/perl" '^ok$' "$perl" /usr/bin/perl -e 'print "ok\n"'
    expect "perl: the CMD's versioned perl exists" '^ok$' "$perl" perl5.36.0 -e 'print "ok\n"'
}

# The golang-build catalog task passes its parameters as environment variables, empty by default.
check_golang() {
    local golang module
    golang=$(image golang)
    module='mkdir -p /tmp/m/cmd/hello && cd /tmp/m &&
        printf "module example.com/hello\n\ngo 1.19\n" >go.mod &&
        printf "package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(\"hello from go\") }\n" >cmd/hello/main.go &&
        go build -v ./cmd/... && ./hello'
    expect_config "golang: metadata" "$golang" 'null ["bash"] "/go" ""'
    expect "golang: go version" '^go version go1\.' "$golang" go version
    expect "golang: GOPATH is /go" '^/go$' "$golang" go env GOPATH
    expect "golang: offline go build of a module, as golang-build runs it" '^hello from go$' \
        --env GOOS=linux --env GOARCH=amd64 --env GO111MODULE=auto --env GOCACHE= --env GOMODCACHE= \
        --env CGO_ENABLED= --env GOSUMDB= "$golang" sh -c "$module"
}

check_catalog_tools() {
    local jq buildpack curl
    jq=$(image jq)
    buildpack=$(image buildpack-deps)
    curl=$(image curlimages/curl)
    expect "jq: jq --version" '^jq-1\.' "$jq" jq --version
    expect "jq: a filter" '^"world"$' "$jq" sh -c 'printf "%s" "{\"hello\":\"world\"}" | jq -M .hello'
    expect_config "buildpack-deps: metadata" "$buildpack" 'null ["bash"] "" ""'
    expect "buildpack-deps: curl and wget" '^ok$' "$buildpack" sh -c 'curl --version >/dev/null && wget --version >/dev/null && echo ok'
    expect_config "curlimages/curl: metadata" "$curl" '["/entrypoint.sh"] ["curl"] "" "curl_user"'
    expect_tekton_args "curlimages/curl: args --version go to curl" '^curl [0-9]' "$curl" --version
    expect_tekton_args "curlimages/curl: args id -un run as a command" '^curl_user$' "$curl" id -un
    expect "curlimages/curl: #!/usr/bin/env sh with sed" '^aQb$' "$curl" /usr/bin/env sh -c "echo 'a\"b' | sed -e 's/\"/Q/g'"
}

# What authenticating-git-commands.yaml does: an sshd on localhost, ssh-keygen prompting on no
# terminal, and git clone and push over ssh as root.
readonly SSH_ROUND_TRIP='set -e
ssh-keygen -t rsa -f /etc/ssh/ssh_host_rsa_key >/dev/null
mkdir -p /root/.ssh && ssh-keygen -q -t ed25519 -N "" -f /root/.ssh/id_ed25519
cp /root/.ssh/id_ed25519.pub /root/.ssh/authorized_keys
echo "localhost ssh-rsa $(awk "{ print \$2 }" /etc/ssh/ssh_host_rsa_key.pub)" >/root/.ssh/known_hosts
sed -i s/root:!/"root:*"/g /etc/shadow
git init -q --bare /root/repo
/usr/sbin/sshd -E /var/log/sshd
git clone -q root@localhost:/root/repo /tmp/clone 2>/dev/null
cd /tmp/clone && git config user.email e@example.com && git config user.name e
echo hello >README && git add README && git commit -qm test && git push -q origin master
echo pushed'

check_git() {
    local git nonroot chainguard
    git=$(image alpine/git)
    nonroot=$(image tektoncd/alpine-git-nonroot)
    chainguard=$(image chainguard/git)
    expect_config "alpine/git: metadata" "$git" '["git"] ["--help"] "/git" ""'
    expect_tekton_args "alpine/git: args --version go to git" '^git version' "$git" --version
    expect "alpine/git: #!/usr/bin/env ash" '^ok$' --entrypoint /usr/bin/env "$git" ash -c '[[ a == a ]] && echo ok'
    expect "alpine/git: sshd, ssh and git over ssh" 'pushed$' --entrypoint /usr/bin/env "$git" ash -c "$SSH_ROUND_TRIP"
    expect_config "alpine-git-nonroot: metadata" "$nonroot" '["git"] ["--help"] "/git" "nonroot"'
    expect "alpine-git-nonroot: user nonroot with HOME /home/nonroot" '^1000 /home/nonroot$' \
        --entrypoint /bin/sh "$nonroot" -c 'echo "$(id -u) $HOME"'
    expect "alpine-git-nonroot: uid 1000 as securityContext gives it" '^/home/nonroot$' \
        --user 1000 --entrypoint /bin/sh "$nonroot" -c 'ssh -V 2>/dev/null; echo $HOME'
    expect_config "chainguard/git: metadata" "$chainguard" '["/usr/bin/git"] null "/home/git" ""'
    expect_tekton_args "chainguard/git: args --version go to git" '^git version' "$chainguard" --version
    expect "chainguard/git: #!/usr/bin/env sh" '^ok$' --entrypoint /usr/bin/env "$chainguard" sh -c 'git config --global user.name n && echo ok'
}

check_small_images() {
    local chainguard nop
    chainguard=$(image chainguard/busybox)
    nop=$(image tektoncd/nop)
    expect_config "chainguard/busybox: metadata" "$chainguard" 'null ["/bin/sh","-l"] "" "65532"'
    expect "chainguard/busybox: command echo" '^init foo bar$' --entrypoint echo "$chainguard" init foo bar
    expect "chainguard/busybox: runs as 65532" '^65532$' "$chainguard" id -u
    expect_config "nop: metadata" "$nop" '["/ko-app/nop"] null "" "65532"'
    expect "nop: exits 0 with no arguments" 'exiting' "$nop"
    expect_tekton_args "nop: exits 0 whatever its args" 'exiting' "$nop" anything --at all
    expect_failure "nop: has no shell" --entrypoint sh "$nop" -c true
}

# The second line of each of this machine's extra certificates (mounted at /extra) is in the bundle.
readonly TRUSTS_EXTRA_CERTIFICATES='for c in /extra/*.crt; do
    [ -e "$c" ] || continue
    grep -qF "$(sed -n 2p "$c")" /etc/ssl/certs/ca-certificates.crt || { echo "not trusted: $c"; exit 1; }
done
echo ok'

check_dotnet_sdk() {
    local sdk
    sdk=$(image dotnet-sdk)
    expect_config "dotnet-sdk: metadata" "$sdk" 'null ["bash"] "" ""'
    expect "dotnet-sdk: dotnet --info" '^ Base Path: +/usr/share/dotnet/sdk/' "$sdk" dotnet --info
    expect "dotnet-sdk: environment of the official image" '^ok$' "$sdk" bash -c \
        '[[ $DOTNET_ROOT == /usr/share/dotnet && -z ${ASPNETCORE_URLS+set} && $DOTNET_NOLOGO == 1 && $(command -v dotnet) == /usr/bin/dotnet ]] && echo ok'
    expect "dotnet-sdk: trusts this machine's certificate authorities" '^ok$' \
        --volume /usr/local/share/ca-certificates:/extra:ro "$sdk" sh -c "$TRUSTS_EXTRA_CERTIFICATES"
    expect "dotnet-sdk: offline dotnet new console, build and run" '^Hello, World!$' "$sdk" bash -c \
        'cd /tmp && dotnet new console -o app >/dev/null && cd app && dotnet build -nologo -v q >/dev/null && dotnet bin/Debug/net10.0/app.dll'
}

# No shell in these images: the dynamic loader itself runs, under QEMU for arm64.
check_dotnet_runtime_deps() {
    local amd64 arm64
    amd64=$(image dotnet-runtime-deps)
    arm64=$(image "dotnet-runtime-deps:$TAG-arm64")
    expect_config "dotnet-runtime-deps: metadata" "$amd64" 'null null "" ""'
    expect_platform "dotnet-runtime-deps: linux/amd64" "$amd64" linux/amd64
    expect "dotnet-runtime-deps: ld.so --version as the user app" '^ld\.so \(Debian GLIBC 2\.36' \
        --user app "$amd64" /lib64/ld-linux-x86-64.so.2 --version
    expect_failure "dotnet-runtime-deps: has no shell" "$amd64" sh -c true
    expect_config "dotnet-runtime-deps arm64: metadata" "$arm64" 'null null "" ""'
    expect_platform "dotnet-runtime-deps arm64: linux/arm64" "$arm64" linux/arm64
    expect "dotnet-runtime-deps arm64: ld.so --version under QEMU" '^ld\.so \(Debian GLIBC 2\.36' \
        --platform linux/arm64 "$arm64" /lib/ld-linux-aarch64.so.1 --version
}

# Every target of the mirror map is an image here, and every stand-in is a target.
check_mirror_map() {
    local map=$SCRIPT_DIR/standins.yaml targets target image
    selected "mirror map" || return 0
    mapfile -t targets < <(sed -n 's/^  [^ #][^ ]*: *\(sluice-standin\/[^ #]*\).*$/\1/p' "$map" | sort -u)
    for target in "${targets[@]}"; do
        if "${DOCKER[@]}" image inspect "$target" >/dev/null 2>&1; then
            report "mirror map: target $target exists" ok ""
        else
            report "mirror map: target $target exists" missing "run eng/images/build.sh"
        fi
    done
    while read -r image; do
        if printf '%s\n' "${targets[@]}" | grep -qxF "$image"; then
            report "mirror map: $image is a target" ok ""
        else
            report "mirror map: $image is a target" unmapped "add it to $map"
        fi
    done < <("${DOCKER[@]}" image ls --format '{{.Repository}}:{{.Tag}}' --filter "reference=$PREFIX/*:$TAG" \
        --filter "reference=$PREFIX/*/*:$TAG" | sort -u)
}

main() {
    "${DOCKER[@]}" info >/dev/null 2>&1 || {
        echo "check: the Docker engine does not answer; run eng/install.sh" >&2
        exit 1
    }
    check_ubuntu
    check_bash
    check_alpine
    check_busybox
    check_python
    check_node
    check_perl
    check_golang
    check_catalog_tools
    check_git
    check_small_images
    check_dotnet_sdk
    check_dotnet_runtime_deps
    check_mirror_map
    printf 'check: %d checks, %d failing\n' $((PASSED + ${#FAILURES[@]})) "${#FAILURES[@]}"
    ((${#FAILURES[@]} == 0)) || exit 1
}

main
