# shellcheck shell=bash
# The stand-in images, one build_unit_NAME function per unit of eng/images/build.sh. Each builds a tree
# under TREES and imports it with the ENTRYPOINT, CMD, ENV, WORKDIR and USER of the image it stands in
# for (version-specific variables such as PYTHON_VERSION are left out: the versions differ).

build_unit_ubuntu() {
    local tree=$TREES/ubuntu
    make_debian_tree "$tree"
    # Ubuntu 24.04's image has the user ubuntu (uid 1000).
    add_user "$tree" ubuntu 1000 /home/ubuntu /bin/bash
    finish_debian_tree "$tree"
    import_image "$tree" ubuntu "ubuntu" "ENV PATH=$DEFAULT_PATH" 'CMD ["/bin/bash"]'
}

build_unit_python() {
    local tree=$TREES/python
    make_debian_tree "$tree" python3 python-is-python3
    finish_debian_tree "$tree"
    import_image "$tree" python "python" "ENV PATH=/usr/local/bin:$DEFAULT_PATH" 'ENV LANG=C.UTF-8' \
        'CMD ["python3"]'
}

# perl's CMD names the versioned binary, perl5.36.0 in Debian 12.
build_unit_perl() {
    local tree=$TREES/perl versioned
    make_debian_tree "$tree" perl
    mkdir -p "$tree/usr/src/app"
    finish_debian_tree "$tree"
    versioned=$(basename "$(find "$tree/usr/bin" -maxdepth 1 -regex '.*/perl5\.[0-9]+\.[0-9]+' -print -quit)")
    [[ $versioned == perl5.* ]] || die "perl: no versioned perl5.x.y binary in the tree"
    import_image "$tree" perl "perl" "ENV PATH=$DEFAULT_PATH" 'WORKDIR /usr/src/app' \
        "CMD [\"$versioned\",\"-de0\"]"
}

# node's stand-in serves both the Debian-based and the Alpine-based originals (lts-alpine3.20), so its
# sh is BusyBox's, which accepts what scripts written for either use.
build_unit_node() {
    local tree=$TREES/node
    make_debian_tree "$tree" nodejs
    use_busybox_shell "$tree"
    add_user "$tree" node 1000 /home/node /bin/sh
    apply_overlay "$tree" node
    finish_debian_tree "$tree"
    import_image "$tree" node "node" "ENV PATH=$DEFAULT_PATH" 'ENTRYPOINT ["docker-entrypoint.sh"]' 'CMD ["node"]'
}

# golang is buildpack-deps:bookworm-scm with gcc for cgo, Go in /usr/local/go and GOPATH /go.
build_unit_golang() {
    local tree=$TREES/golang
    make_debian_tree "$tree" golang-go gcc libc6-dev make pkg-config git openssh-client curl wget
    ln -s /usr/lib/go "$tree/usr/local/go"
    mkdir -p "$tree/go/src" "$tree/go/bin"
    chmod -R 1777 "$tree/go"
    finish_debian_tree "$tree"
    import_image "$tree" golang "golang" "ENV PATH=/go/bin:/usr/local/go/bin:$DEFAULT_PATH" 'ENV GOPATH=/go' \
        'ENV GOTOOLCHAIN=local' 'WORKDIR /go' 'CMD ["bash"]'
}

build_unit_buildpack-deps() {
    local tree=$TREES/buildpack-deps
    make_debian_tree "$tree" curl wget gnupg netbase
    finish_debian_tree "$tree"
    import_image "$tree" buildpack-deps "buildpack-deps:stable-curl" "ENV PATH=$DEFAULT_PATH" 'CMD ["bash"]'
}

# curlimages/curl is Alpine-based and runs as curl_user (uid 100 in Alpine's system range), with its
# own certificate bundle in /cacert.pem.
build_unit_curl() {
    local tree=$TREES/curl
    make_debian_tree "$tree" curl
    use_busybox_shell "$tree"
    chroot "$tree" groupadd --system --gid 101 curl_group
    chroot "$tree" useradd --system --uid 100 --gid curl_group --home-dir /home/curl_user --create-home \
        --shell /sbin/nologin curl_user
    apply_overlay "$tree" curl
    cp "$tree$CA_BUNDLE" "$tree/cacert.pem"
    finish_debian_tree "$tree"
    import_image "$tree" curlimages/curl "curlimages/curl" "ENV PATH=$DEFAULT_PATH" 'ENV CURL_CA_BUNDLE=/cacert.pem' \
        'USER curl_user' 'ENTRYPOINT ["/entrypoint.sh"]' 'CMD ["curl"]'
}

# The original (quay.io/jpmaida1/jq) documents no metadata; the catalog task runs a script in it.
build_unit_jq() {
    local tree=$TREES/jq
    make_debian_tree "$tree" jq
    finish_debian_tree "$tree"
    import_image "$tree" jq "quay.io/jpmaida1/jq" "ENV PATH=$DEFAULT_PATH" 'CMD ["bash"]'
}

# One tree for the three git images (they differ only in metadata), so Docker stores its layer once:
# git, ssh and sshd (authenticating-git-commands.yaml runs an sshd sidecar), BusyBox's ash as sh, the
# user nonroot (uid 1000) of alpine-git-nonroot and the user git (uid 65532) of Chainguard's image.
build_unit_git() {
    local tree=$TREES/git
    make_debian_tree "$tree" git openssh-client openssh-server less
    use_busybox_shell "$tree"
    add_user "$tree" nonroot 1000 /home/nonroot /bin/sh
    add_user "$tree" git 65532 /home/git /bin/sh
    mkdir -p "$tree/git" "$tree/run/sshd"
    chmod 0755 "$tree/run/sshd"
    apply_overlay "$tree" git
    finish_debian_tree "$tree"
    import_image "$tree" alpine/git "alpine/git" "ENV PATH=$DEFAULT_PATH" 'WORKDIR /git' \
        'ENTRYPOINT ["git"]' 'CMD ["--help"]'
    import_image "$tree" tektoncd/alpine-git-nonroot "ghcr.io/tektoncd/plumbing/alpine-git-nonroot" \
        "ENV PATH=$DEFAULT_PATH" 'WORKDIR /git' 'USER nonroot' 'ENTRYPOINT ["git"]' 'CMD ["--help"]'
    import_image "$tree" chainguard/git "cgr.dev/chainguard/git:root" 'ENV PATH=/usr/sbin:/sbin:/usr/bin:/bin' \
        "ENV SSL_CERT_FILE=$CA_BUNDLE" 'WORKDIR /home/git' 'ENTRYPOINT ["/usr/bin/git"]'
}

# The official bash image is Alpine with bash in /usr/local/bin (there is no /bin/bash): sh is
# BusyBox's ash, bash is Debian's statically linked bash.
build_unit_bash() {
    local tree=$TREES/bash debs
    make_busybox_tree "$tree" alpine
    install -m 0644 "$CA_BUNDLE" "$tree$CA_BUNDLE"
    debs=("$WORK"/extras/bash-static_*.deb)
    [[ -e ${debs[0]} ]] || die "bash: no bash-static package in $WORK/extras"
    dpkg-deb --extract "${debs[0]}" "$TREES/bash-static"
    install -m 0755 "$(find "$TREES/bash-static" -path '*/bin/bash-static' -type f -print -quit)" "$tree/usr/local/bin/bash"
    rm -rf "$TREES/bash-static"
    printf '/usr/local/bin/bash\n' >>"$tree/etc/shells"
    apply_overlay "$tree" bash
    import_image "$tree" bash "bash" "ENV PATH=$DEFAULT_PATH" 'ENTRYPOINT ["docker-entrypoint.sh"]' 'CMD ["bash"]'
}

build_unit_alpine() {
    local tree=$TREES/alpine
    make_busybox_tree "$tree" alpine
    install -m 0644 "$CA_BUNDLE" "$tree$CA_BUNDLE"
    import_image "$tree" alpine "alpine" "ENV PATH=$DEFAULT_PATH" 'CMD ["/bin/sh"]'
}

build_unit_busybox() {
    local tree=$TREES/busybox
    make_busybox_tree "$tree" busybox
    import_image "$tree" busybox "busybox" "ENV PATH=$DEFAULT_PATH" 'CMD ["sh"]'
}

# Chainguard's busybox runs as nonroot (65532) with a login shell as CMD; the one example that uses it
# (5080-entrypoint-init-regression.yaml) gives a command.
build_unit_chainguard-busybox() {
    local tree=$TREES/chainguard-busybox
    make_busybox_tree "$tree" alpine
    apply_overlay "$tree" chainguard
    install -m 0644 "$CA_BUNDLE" "$tree$CA_BUNDLE"
    install -d -m 0755 -o 65532 -g 65532 "$tree/home/nonroot"
    import_image "$tree" chainguard/busybox "cgr.dev/chainguard/busybox" 'ENV PATH=/usr/sbin:/sbin:/usr/bin:/bin' \
        "ENV SSL_CERT_FILE=$CA_BUNDLE" 'USER 65532' 'CMD ["/bin/sh","-l"]'
}

# Tekton's nop image is a Go binary that ko put on Chainguard's static base: no shell at all. The
# golang stand-in compiles eng/images/nop offline, statically.
build_unit_nop() {
    local tree=$TREES/nop
    make_skeleton "$tree"
    mkdir -p "$tree/ko-app" "$tree/var/run/ko"
    apply_overlay "$tree" chainguard
    install -m 0644 "$CA_BUNDLE" "$tree$CA_BUNDLE"
    install -d -m 0755 -o 65532 -g 65532 "$tree/home/nonroot"
    "${DOCKER[@]}" run --rm --network none --volume "$NOP_SOURCE:/src:ro" --volume "$tree/ko-app:/out" \
        --workdir /src --env CGO_ENABLED=0 --env GOCACHE=/tmp/go-cache \
        "$(image_name golang)" go build -trimpath -ldflags='-s -w' -o /out/nop .
    import_image "$tree" tektoncd/nop "ghcr.io/tektoncd/pipeline/nop" \
        "ENV PATH=$DEFAULT_PATH:/ko-app" "ENV SSL_CERT_FILE=$CA_BUNDLE" 'ENV KO_DATA_PATH=/var/run/ko' \
        'USER 65532' 'ENTRYPOINT ["/ko-app/nop"]'
}

# The .NET SDK of this machine, which the dotnet-sdk stand-in holds (a new SDK or certificate
# authority rebuilds it).
readonly DOTNET_SDK_SOURCE=/usr/share/dotnet

recipe_inputs_dotnet-sdk() {
    "$DOTNET_SDK_SOURCE/dotnet" --list-sdks 2>/dev/null || true
    "$DOTNET_SDK_SOURCE/dotnet" --list-runtimes 2>/dev/null || true
    print_extra_certificates
}

# mcr.microsoft.com/dotnet/sdk: the packages of Microsoft's Debian image (its runtime-deps base, then
# curl, git, libatomic1 and wget), the user app (uid 1654) of that base, and this machine's SDK in
# /usr/share/dotnet. The tree trusts this machine's certificate authorities as the base does, so that
# `dotnet restore` reaches NuGet through a TLS-inspecting proxy.
build_unit_dotnet-sdk() {
    local tree=$TREES/dotnet-sdk
    [[ -x $DOTNET_SDK_SOURCE/dotnet ]] || die "dotnet-sdk: no .NET SDK in $DOTNET_SDK_SOURCE; run eng/install.sh"
    make_debian_tree "$tree" ca-certificates libc6 libgcc-s1 libicu72 libssl3 libstdc++6 tzdata zlib1g \
        curl git libatomic1 wget
    add_user "$tree" app 1654 /home/app /bin/sh
    finish_debian_tree "$tree"
    link_or_copy "$DOTNET_SDK_SOURCE" "$tree/usr/share/dotnet"
    ln -s /usr/share/dotnet/dotnet "$tree/usr/bin/dotnet"
    import_image "$tree" dotnet-sdk "mcr.microsoft.com/dotnet/sdk" "ENV PATH=$DEFAULT_PATH:/usr/share/dotnet" \
        'ENV DOTNET_ROOT=/usr/share/dotnet' 'ENV APP_UID=1654' 'ENV ASPNETCORE_HTTP_PORTS=8080' \
        'ENV DOTNET_RUNNING_IN_CONTAINER=true' 'ENV DOTNET_CLI_TELEMETRY_OPTOUT=1' 'ENV DOTNET_NOLOGO=1' \
        'ENV DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1' 'ENV DOTNET_GENERATE_ASPNET_CERTIFICATE=false' \
        'ENV DOTNET_USE_POLLING_FILE_WATCHER=true' 'ENV NUGET_XMLDOC_MODE=skip' \
        'ENV NUGET_CERT_REVOCATION_MODE=offline' 'CMD ["bash"]'
}

# What the runtime-deps stand-ins hold: Microsoft's runtime-deps packages less ICU (the images are
# globalization-invariant, as the chiseled ones), and base-files and netbase for /etc.
readonly RUNTIME_DEPS_PACKAGES=(base-files netbase tzdata libc6 libgcc-s1 libstdc++6 zlib1g libssl3)

recipe_inputs_dotnet-runtime-deps() {
    print_extra_certificates
}

# mcr.microsoft.com/dotnet/runtime-deps, the base of self-contained .NET apps, for linux/amd64 and
# linux/arm64: RUNTIME_DEPS_PACKAGES unpacked, no shell, and the user app (uid 1654). A copy of the
# Debian base with arm64 added fetches the packages, the arm64 ones at the versions of the amd64 ones,
# so the two images match.
build_unit_dotnet-runtime-deps() {
    local work=$TREES/dotnet-runtime-deps deb specs=() architecture
    mkdir -p "$work"
    make_debian_tree "$work/apt"
    chroot "$work/apt" dpkg --add-architecture arm64
    chroot "$work/apt" apt-get update
    fetch_packages "$work/apt" "$work/fetched" "${RUNTIME_DEPS_PACKAGES[@]/%/:amd64}"
    mkdir -p "$work/debs/all" "$work/debs/amd64"
    for deb in "$work"/fetched/*.deb; do
        architecture=$(dpkg-deb --field "$deb" Architecture)
        [[ $architecture == all ]] || specs+=("$(dpkg-deb --field "$deb" Package):arm64=$(dpkg-deb --field "$deb" Version)")
        mv "$deb" "$work/debs/$architecture/"
    done
    fetch_packages "$work/apt" "$work/debs/arm64" "${specs[@]}"
    make_runtime_deps_tree "$work" amd64
    import_runtime_deps_image "$work/amd64" dotnet-runtime-deps
    make_runtime_deps_tree "$work" arm64
    import_runtime_deps_image "$work/arm64" "dotnet-runtime-deps:$TAG-arm64"
    set_image_architecture "dotnet-runtime-deps:$TAG-arm64" arm64 v8
}

# make_runtime_deps_tree WORK ARCHITECTURE: WORK/ARCHITECTURE, from the packages in WORK/debs, with the
# files that the packages' maintainer scripts and Microsoft's Dockerfile would add.
make_runtime_deps_tree() {
    local work=$1 architecture=$2 tree=$1/$2
    unpack_packages "$tree" "$work"/debs/all/*.deb "$work/debs/$architecture"/*.deb
    ln -s /usr/share/zoneinfo/Etc/UTC "$tree/etc/localtime"
    printf 'Etc/UTC\n' >"$tree/etc/timezone"
    install -m 0644 "$work/apt$CA_BUNDLE" "$tree$CA_BUNDLE"
    mkdir -p "$tree/usr/lib/ssl"
    ln -s /etc/ssl/certs "$tree/usr/lib/ssl/certs"
    ln -s "$CA_BUNDLE" "$tree/usr/lib/ssl/cert.pem"
    apply_overlay "$tree" dotnet-runtime-deps
    install -d -m 0755 -o 1654 -g 1654 "$tree/home/app"
    chmod 1777 "$tree/tmp"
}

import_runtime_deps_image() {
    import_image "$1" "$2" "mcr.microsoft.com/dotnet/runtime-deps" "ENV PATH=$DEFAULT_PATH" 'ENV APP_UID=1654' \
        'ENV ASPNETCORE_HTTP_PORTS=8080' 'ENV DOTNET_RUNNING_IN_CONTAINER=true' \
        'ENV DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=true'
}
