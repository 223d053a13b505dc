# shellcheck shell=bash
# Root filesystem trees for the stand-in images, and their import into Docker. Sourced by
# eng/images/build.sh, which defines the settings used here (DOCKER, BUSYBOX, WORK, BASE, ...).

# The PATH of most official images, and where Debian keeps its certificate bundle (lib/units.sh).
# shellcheck disable=SC2034
readonly DEFAULT_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
# shellcheck disable=SC2034
readonly CA_BUNDLE=/etc/ssl/certs/ca-certificates.crt
# The machine's extra certificate authorities, which the Debian trees trust.
readonly EXTRA_CERTIFICATES=/usr/local/share/ca-certificates
# What debootstrap puts in the Debian base besides the minimal system. Bump BASE_LAYOUT_VERSION when
# bootstrap_debian_base changes what the cached base holds.
readonly BASE_PACKAGES=ca-certificates,procps
readonly BASE_LAYOUT_VERSION=1
# Applets that would make a BusyBox image look like a Debian or Red Hat system to a script.
readonly BUSYBOX_SKIPPED_APPLETS=" dpkg dpkg-deb rpm rpm2cpio linuxrc "

# --- Importing ---------------------------------------------------------------------------------------

# import_image TREE NAME ORIGINAL [CHANGE]...: imports the directory TREE as sluice-standin/NAME with the
# Dockerfile instructions CHANGE (ENTRYPOINT, CMD, ENV, WORKDIR, USER), labelled with the recipe and the
# ORIGINAL image it stands in for. The archive is sorted and numeric, so importing one tree twice gives
# the same layer, which Docker then stores once. The image the name held before is removed when
# nothing else uses it.
import_image() {
    local tree=$1 name=$2 original=$3
    shift 3
    local changes=() change reference previous
    reference=$(image_name "$name")
    previous=$("${DOCKER[@]}" image inspect --format '{{.Id}}' "$reference" 2>/dev/null || true)
    for change in "$@" "LABEL $LABEL_RECIPE=$RECIPE" "LABEL $LABEL_FOR=$original"; do
        changes+=(--change "$change")
    done
    tar --create --directory "$tree" --sort=name --numeric-owner --exclude='./dev/*' --exclude='./proc/*' --exclude='./sys/*' . |
        "${DOCKER[@]}" import "${changes[@]}" --message "Sluice stand-in for $original" - "$reference" >/dev/null
    printf 'imported %s (stand-in for %s)\n' "$reference" "$original"
    remove_if_untagged "$previous"
}

remove_if_untagged() {
    local image=$1
    if [[ -n $image && $("${DOCKER[@]}" image inspect --format '{{len .RepoTags}}' "$image" 2>/dev/null) == 0 ]]; then
        "${DOCKER[@]}" image rm "$image" >/dev/null 2>&1 || true
    fi
}

# set_image_architecture NAME ARCHITECTURE VARIANT: makes the imported image sluice-standin/NAME say it
# is for linux/ARCHITECTURE (docker import --platform leaves the daemon's own in the config): the
# image is saved, its config rewritten and stored under its new digest, and loaded back. The layer
# stays as it is.
set_image_architecture() {
    local reference archive config new_config digest previous
    reference=$(image_name "$1")
    archive=$TREES/save-${1//[\/:]/-}
    previous=$("${DOCKER[@]}" image inspect --format '{{.Id}}' "$reference")
    rm -rf "$archive"
    mkdir -p "$archive"
    "${DOCKER[@]}" image save "$reference" | tar --extract --directory "$archive"
    config=$(jq -r '.[0].Config' "$archive/manifest.json")
    jq --compact-output --arg architecture "$2" --arg variant "$3" \
        '.architecture = $architecture | .variant = $variant' "$archive/$config" >"$archive/config.new"
    digest=$(sha256sum "$archive/config.new" | cut -d' ' -f1)
    new_config=$digest.json
    mv "$archive/config.new" "$archive/$new_config"
    rm "$archive/$config"
    jq --compact-output --arg config "$new_config" '.[0].Config = $config' "$archive/manifest.json" >"$archive/manifest.new"
    mv "$archive/manifest.new" "$archive/manifest.json"
    tar --create --directory "$archive" . | "${DOCKER[@]}" image load >/dev/null
    rm -rf "$archive"
    remove_if_untagged "$previous"
    printf 'set %s to linux/%s/%s\n' "$reference" "$2" "$3"
}

# apply_overlay TREE OVERLAY: copies eng/images/rootfs/OVERLAY over TREE.
apply_overlay() {
    cp --recursive --no-preserve=ownership "$ROOTFS_OVERLAYS/$2/." "$1/"
}

# --- BusyBox trees -----------------------------------------------------------------------------------

# The directories every image has, even one without a shell.
make_skeleton() {
    local tree=$1
    rm -rf "$tree"
    mkdir -p "$tree"/{etc/ssl/certs,home,root,tmp,var/tmp,var/log,var/cache,var/lib,dev,proc,sys,run}
    chmod 0700 "$tree/root"
    chmod 1777 "$tree/tmp" "$tree/var/tmp"
    ln -s ../run "$tree/var/run"
}

# make_busybox_tree TREE LAYOUT: a BusyBox system. LAYOUT alpine puts symbolic links at each applet's
# own path (/bin/sh, /usr/bin/awk, ...) as Alpine does; LAYOUT busybox puts hard links in /bin as the
# official busybox image does. Both take /etc from the overlay of the same name.
make_busybox_tree() {
    local tree=$1 layout=$2 path applet
    make_skeleton "$tree"
    mkdir -p "$tree"/{bin,sbin,lib,usr/bin,usr/sbin,usr/local/bin,usr/local/sbin,mnt,opt,srv}
    install -m 0755 "$BUSYBOX" "$tree/bin/busybox"
    while read -r path; do
        applet=${path##*/}
        [[ $BUSYBOX_SKIPPED_APPLETS == *" $applet "* || $applet == busybox ]] && continue
        if [[ $layout == alpine ]]; then
            [[ -e $tree/$path ]] || ln -s /bin/busybox "$tree/$path"
        else
            [[ -e $tree/bin/$applet ]] || ln "$tree/bin/busybox" "$tree/bin/$applet"
        fi
    done < <("$BUSYBOX" --list-full)
    apply_overlay "$tree" "$layout"
    chmod 0640 "$tree/etc/shadow"
}

# --- Debian trees ------------------------------------------------------------------------------------

debian_base_key() {
    {
        printf '%s\n' "$SUITE" "$MIRROR" "$BASE_PACKAGES" "$BASE_LAYOUT_VERSION"
        print_extra_certificates
    } | sha256sum | cut -c1-16
}

print_extra_certificates() {
    cat "$EXTRA_CERTIFICATES"/*.crt 2>/dev/null || true
}

# Drops documentation, manual pages and translations, now and for packages installed later, as
# Ubuntu's minimised images do.
minimise_debian_tree() {
    local tree=$1
    cat >"$tree/etc/dpkg/dpkg.cfg.d/sluice-standin-minimise" <<'EOF'
path-exclude=/usr/share/doc/*
path-include=/usr/share/doc/*/copyright
path-exclude=/usr/share/man/*
path-exclude=/usr/share/info/*
path-exclude=/usr/share/locale/*
path-include=/usr/share/locale/locale.alias
path-exclude=/usr/share/lintian/*
EOF
    drop_documentation "$tree"
}

drop_documentation() {
    local tree=$1
    [[ ! -d $tree/usr/share/doc ]] || find "$tree/usr/share/doc" -mindepth 1 ! -type d ! -name copyright -delete
    rm -rf "$tree"/usr/share/{man,info,lintian}/*
    [[ ! -d $tree/usr/share/locale ]] ||
        find "$tree/usr/share/locale" -mindepth 1 -maxdepth 1 ! -name locale.alias -exec rm -rf {} +
}

# The machine's extra certificate authorities (a TLS-inspecting proxy, a private registry) go into the
# Debian trees, so that the stand-ins trust what this machine trusts.
install_extra_certificates() {
    local tree=$1 certificates
    certificates=("$EXTRA_CERTIFICATES"/*.crt)
    [[ -e ${certificates[0]} ]] || return 0
    cp "${certificates[@]}" "$tree/usr/local/share/ca-certificates/"
    chroot "$tree" update-ca-certificates
}

# The bash image takes its static bash from Debian's bash-static package, fetched with the base.
fetch_bash_static() {
    local tree=$1
    mkdir -p "$WORK/extras" "$tree/tmp/sluice-fetch"
    chroot "$tree" sh -c 'cd /tmp/sluice-fetch && apt-get download bash-static'
    rm -f "$WORK"/extras/bash-static_*.deb
    mv "$tree"/tmp/sluice-fetch/bash-static_*.deb "$WORK/extras/"
    rm -rf "$tree/tmp/sluice-fetch"
}

# bootstrap_debian_base TREE: Debian's minimal base with BASE_PACKAGES, minimised, trusting this
# machine's certificate authorities, and bash-static fetched beside it.
bootstrap_debian_base() {
    local tree=$1
    debootstrap --variant=minbase --include="$BASE_PACKAGES" "$SUITE" "$tree" "$MIRROR"
    minimise_debian_tree "$tree"
    install_extra_certificates "$tree"
    fetch_bash_static "$tree"
    rm -f "$tree"/var/cache/apt/archives/*.deb
}

# The root filesystem every Debian-based stand-in starts from, bootstrapped once and kept under WORK
# (BASE, with its key in BASE.key: a new suite, mirror, package list or certificate rebuilds it).
prepare_debian_base() {
    local key started log=$LOGS/debian-base.log
    key=$(debian_base_key)
    if [[ -d $BASE && $(cat "$BASE.key" 2>/dev/null) == "$key" ]]; then
        log "debian base: cached at $BASE"
        return
    fi
    started=$(now_us)
    log "debian base: debootstrap --variant=minbase $SUITE (log: $log)"
    rm -rf "$BASE" "$BASE.new" "$BASE.key"
    if ! run_logged "$log" bootstrap_debian_base "$BASE.new"; then
        tail -n 20 "$log" >&2
        die "preparing the Debian base failed; see $log"
    fi
    mv "$BASE.new" "$BASE"
    printf '%s\n' "$key" >"$BASE.key"
    log "debian base: ready in $(format_duration $(($(now_us) - started)))"
}

# make_debian_tree TREE [PACKAGE]...: a copy of the Debian base with PACKAGE installed.
make_debian_tree() {
    local tree=$1
    shift
    rm -rf "$tree"
    cp --archive "$BASE" "$tree"
    printf '#!/bin/sh\n# Sluice stand-in build: start no services.\nexit 101\n' >"$tree/usr/sbin/policy-rc.d"
    chmod 0755 "$tree/usr/sbin/policy-rc.d"
    if (($# > 0)); then
        chroot "$tree" env DEBIAN_FRONTEND=noninteractive apt-get install --yes --no-install-recommends "$@"
    fi
}

# Removes what a build leaves behind: caches, package lists (as official images do), logs, the
# machine's resolver and host name, and host keys.
finish_debian_tree() {
    local tree=$1
    rm -f "$tree/usr/sbin/policy-rc.d"
    chroot "$tree" apt-get clean
    rm -rf "$tree"/var/lib/apt/lists/* "$tree"/tmp/* "$tree"/var/tmp/* "$tree"/var/log/apt/* \
        "$tree"/var/log/{dpkg.log,alternatives.log,bootstrap.log} "$tree"/var/cache/debconf/*-old \
        "$tree"/var/lib/dpkg/*-old "$tree"/etc/ssh/ssh_host_*
    : >"$tree/etc/resolv.conf"
    printf 'localhost\n' >"$tree/etc/hostname"
}

# link_or_copy DIRECTORY TARGET: TARGET becomes a copy of DIRECTORY, made of hard links when both are
# on one file system (a large tree such as the .NET SDK then takes no time and no space; nothing writes
# to the tree after, and tar only reads it).
link_or_copy() {
    local directory=$1 target=$2
    rm -rf "$target"
    mkdir -p "$(dirname "$target")"
    if [[ $(stat --format %d "$directory") == $(stat --format %d "$(dirname "$target")") ]]; then
        cp --archive --link "$directory" "$target"
    else
        cp --archive "$directory" "$target"
    fi
}

# Makes /bin/sh (and ash) BusyBox's ash, as on Alpine, for images whose originals are Alpine-based:
# their scripts use `[[ ]]` and `[ a == b ]`, which Debian's dash rejects.
use_busybox_shell() {
    local tree=$1
    install -m 0755 "$BUSYBOX" "$tree/usr/bin/busybox"
    ln -sf busybox "$tree/usr/bin/sh"
    ln -sf busybox "$tree/usr/bin/ash"
    grep -qx /bin/ash "$tree/etc/shells" || printf '/bin/ash\n/usr/bin/ash\n' >>"$tree/etc/shells"
}

# add_user TREE NAME ID HOME [SHELL]: a user and its group, both with the id ID.
add_user() {
    local tree=$1 name=$2 id=$3 home=$4 shell=${5:-/bin/sh}
    chroot "$tree" groupadd --gid "$id" "$name"
    chroot "$tree" useradd --uid "$id" --gid "$id" --home-dir "$home" --create-home --shell "$shell" "$name"
}

# --- Trees of unpacked Debian packages ---------------------------------------------------------------

# fetch_packages TREE DIRECTORY SPEC...: downloads the packages SPEC (apt's name:arch=version) with the
# apt of the Debian tree TREE into DIRECTORY.
fetch_packages() {
    local tree=$1 directory=$2
    shift 2
    rm -rf "$tree/tmp/sluice-fetch"
    mkdir -p "$tree/tmp/sluice-fetch" "$directory"
    chroot "$tree" chown _apt /tmp/sluice-fetch
    chroot "$tree" sh -c 'cd /tmp/sluice-fetch && apt-get download "$@"' sh "$@"
    mv "$tree"/tmp/sluice-fetch/*.deb "$directory/"
    rm -rf "$tree/tmp/sluice-fetch"
}

# unpack_packages TREE DEB...: a system of the packages DEB, unpacked without dpkg and without their
# maintainer scripts, as distroless images are made (so a foreign architecture needs no emulation).
# /bin, /sbin and /lib (and /lib64 when a package has it) link into /usr, as on Debian 12; each
# package's control fields go to /var/lib/dpkg/status.d, where scanners of distroless images look.
unpack_packages() {
    local tree=$1 deb directory
    shift
    make_skeleton "$tree"
    mkdir -p "$tree"/usr/{bin,sbin,lib} "$tree/var/lib/dpkg/status.d"
    for directory in bin sbin lib; do ln -s "usr/$directory" "$tree/$directory"; done
    for deb in "$@"; do
        if dpkg-deb --contents "$deb" | grep ' \./lib64/' >/dev/null; then
            mkdir -p "$tree/usr/lib64"
            [[ -L $tree/lib64 ]] || ln -s usr/lib64 "$tree/lib64"
        fi
        dpkg-deb --fsys-tarfile "$deb" | tar --extract --keep-directory-symlink --directory "$tree"
        dpkg-deb --field "$deb" >"$tree/var/lib/dpkg/status.d/$(dpkg-deb --field "$deb" Package)"
    done
    drop_documentation "$tree"
}
