#!/usr/bin/env bash
# `make package-check` (the last step of `make test`): builds the packages with `make package`, looks
# inside the .deb, installs it with apt as a user would, runs the installed gatehouse against the local
# sandbox, removes it again and checks that nothing of it is left. Needs root or sudo. Fails, never
# skips: a missing tool or a missing file is a failure.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)

fail() { echo "package-check: FAIL: $*" >&2; exit 1; }
step() { echo "package-check: $*"; }
sudo=""
[ "$(id -u)" = 0 ] || sudo=sudo

for tool in dpkg-deb dpkg-query apt-get gzip python3; do
  command -v "$tool" >/dev/null || fail "$tool is missing"
done

step "make package"
make package

version=$(python3 -c 'import json; print(json.load(open("tauri.conf.json"))["version"])')
release=${CARGO_TARGET_DIR:-target}/release
case $release in /*) ;; *) release="$root/$release" ;; esac
deb="$release/bundle/deb/Gatehouse_${version}_$(dpkg --print-architecture).deb"
[ -f "$deb" ] || fail "make package made no $deb"
package=$(dpkg-deb -f "$deb" Package)
[ "$package" = gatehouse ] || fail "the package is called '$package', not gatehouse"

work=$(mktemp -d)
server=""
installed=""
cleanup() {
  [ -z "$server" ] || kill "$server" 2>/dev/null || true
  # A check that failed half-way leaves no package behind either.
  [ -z "$installed" ] || DEBIAN_FRONTEND=noninteractive $sudo apt-get remove -y -qq gatehouse >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

# --- What the .deb holds -------------------------------------------------------------------------
step "dpkg-deb --info"
dpkg-deb --info "$deb"
dpkg-deb --contents "$deb" > "$work/contents.txt"
# Every file (not folder) as installed: "usr/bin/gatehouse" or "./usr/bin/gatehouse" -> "/usr/bin/gatehouse".
awk '$1 !~ /^d/ { print ($1 ~ /^l/) ? $(NF-2) : $NF }' "$work/contents.txt" |
  sed -e 's#^\./#/#' -e 's#^\([^/]\)#/\1#' | sort > "$work/files.txt"

has() { grep -qx -- "$1" "$work/files.txt" || fail "the .deb has no $1"; }
has /usr/bin/gatehouse
grep -q '^-rwxr-xr-x .* \.\?/\?usr/bin/gatehouse$' "$work/contents.txt" ||
  fail "/usr/bin/gatehouse is not an executable file (mode 0755)"
has /usr/share/applications/Gatehouse.desktop
has /usr/share/man/man1/gatehouse.1.gz
has /usr/share/bash-completion/completions/gatehouse
has /usr/share/zsh/vendor-completions/_gatehouse
has /usr/share/fish/vendor_completions.d/gatehouse.fish
icons=$(grep -c '^/usr/share/icons/hicolor/[0-9]*x[0-9]*/apps/gatehouse\.png$' "$work/files.txt" || true)
[ "$icons" -ge 4 ] || fail "the .deb has $icons icon sizes under /usr/share/icons/hicolor/*/apps/, expected several"
step "icons: $(grep -o 'hicolor/[0-9]*x[0-9]*' "$work/files.txt" | cut -d/ -f2 | sort -n | tr '\n' ' ')"

# Unpack to read the desktop entry, the man page and the completions as shipped.
mkdir "$work/data"
dpkg-deb -x "$deb" "$work/data"
desktop="$work/data/usr/share/applications/Gatehouse.desktop"
for line in 'Name=Gatehouse' 'Exec=gatehouse' 'Icon=gatehouse' 'Type=Application'; do
  grep -qx "$line" "$desktop" || fail "Gatehouse.desktop has no line '$line':
$(cat "$desktop")"
done
grep -qx 'Categories=.*Development;.*' "$desktop" || fail "Gatehouse.desktop is not in the Development category"
grep -q '^Comment=.' "$desktop" || fail "Gatehouse.desktop has no Comment (the short description)"
gzip -dc "$work/data/usr/share/man/man1/gatehouse.1.gz" | grep -q '^\.TH ' ||
  fail "gatehouse.1.gz is not a man page (no .TH line)"
grep -q 'complete .*gatehouse' "$work/data/usr/share/bash-completion/completions/gatehouse" ||
  fail "the bash completion does not complete gatehouse"
head -1 "$work/data/usr/share/zsh/vendor-completions/_gatehouse" | grep -q '^#compdef gatehouse' ||
  fail "the zsh completion does not start with '#compdef gatehouse'"
grep -q '^complete -c gatehouse' "$work/data/usr/share/fish/vendor_completions.d/gatehouse.fish" ||
  fail "the fish completion does not complete gatehouse"

depends=$(dpkg-deb -f "$deb" Depends)
for dep in libwebkit2gtk-4.1-0 libgtk-3-0 libdbus-1-3; do
  grep -qE "(^|, )$dep( |,|$)" <<<"$depends" || fail "Depends lacks $dep: $depends"
done
step "Depends: $depends"
[ -n "$(dpkg-deb -f "$deb" Description)" ] || fail "the package has no Description"
[ "$(dpkg-deb -f "$deb" Section)" = devel ] || fail "the package's Section is not devel"

# --- Install with apt (dependencies resolve), run, remove ----------------------------------------
if dpkg-query -W -f='${Status}' gatehouse 2>/dev/null | grep -q 'install ok installed'; then
  step "gatehouse was installed on this machine: removing it first (this check installs it afresh)"
  DEBIAN_FRONTEND=noninteractive $sudo apt-get remove -y gatehouse
fi
# Recommends (a Secret Service, xdg-utils) would come from the mirror: the check stays offline.
step "apt-get install $deb"
installed=1
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends "$deb"
dpkg-query -W -f='${Status}' gatehouse | grep -q 'install ok installed' || fail "apt did not install gatehouse"
dpkg -L gatehouse > "$work/listed.txt"
while read -r f; do
  grep -qx -- "$f" "$work/listed.txt" || fail "dpkg -L gatehouse does not list $f of the .deb"
  [ -e "$f" ] || fail "$f of the .deb is not on disk after the install"
done < "$work/files.txt"

[ "$(PATH=/usr/sbin:/usr/bin:/sbin:/bin command -v gatehouse)" = /usr/bin/gatehouse ] ||
  fail "gatehouse is not on the PATH as /usr/bin/gatehouse"
out=$(/usr/bin/gatehouse --version) || fail "gatehouse --version failed"
grep -q "$version" <<<"$out" || fail "gatehouse --version says '$out', not $version"
step "gatehouse --version: $out"

if command -v man >/dev/null; then
  page=$(man -w gatehouse) || fail "man -w gatehouse finds no page"
  [ "$page" = /usr/share/man/man1/gatehouse.1.gz ] || fail "man -w gatehouse finds $page"
  step "man -w gatehouse: $page"
fi

step "the installed gatehouse against the sandbox"
[ -x .venv/bin/python ] || fail ".venv/bin/python is missing (make venv)"
.venv/bin/python tests/fake_aws/server.py --port 0 > "$work/sandbox.log" 2>&1 &
server=$!
for _ in $(seq 200); do grep -q '^READY ' "$work/sandbox.log" && break; sleep 0.1; done
url=$(sed -n 's/^READY //p' "$work/sandbox.log")
[ -n "$url" ] || fail "the sandbox did not start: $(cat "$work/sandbox.log")"
.venv/bin/python tests/fake_aws/seed.py --endpoint "$url" > "$work/seed.json"
mkdir "$work/home"
env -i PATH=/usr/bin:/bin HOME="$work/home" AWS_ENDPOINT_URL="$url" AWS_ACCESS_KEY_ID=testing \
  AWS_SECRET_ACCESS_KEY=testing AWS_REGION=us-east-1 gatehouse audit --json > "$work/audit.json" ||
  fail "gatehouse audit --json failed: $(cat "$work/audit.json")"
python3 - "$work/audit.json" <<'PY' || fail "gatehouse audit --json does not list SecurePets"
import json, sys
report = json.load(open(sys.argv[1]))
names = [api["name"] for api in report["apis"]]
print("package-check: audit --json lists", ", ".join(names))
sys.exit(0 if "SecurePets" in names else 1)
PY
kill "$server" && wait "$server" 2>/dev/null || true
server=""

# --- Sizes (for the README) ----------------------------------------------------------------------
deb_bytes=$(stat -c %s "$deb")
installed_kib=$(dpkg-deb -f "$deb" Installed-Size)
on_disk=$(xargs du -ck < "$work/files.txt" | tail -1 | cut -f1)
step "sizes: .deb $deb_bytes bytes ($(awk "BEGIN{printf \"%.1f\", $deb_bytes/1048576}") MiB);" \
  "Installed-Size $installed_kib KiB; installed files on disk (du) $on_disk KiB"
rpm=$(ls "$release"/bundle/rpm/*.rpm 2>/dev/null | head -1) || true
[ -z "$rpm" ] || step "sizes: .rpm $(stat -c %s "$rpm") bytes ($rpm)"

step "apt-get remove gatehouse"
DEBIAN_FRONTEND=noninteractive $sudo apt-get remove -y gatehouse
installed=""
if dpkg-query -W -f='${Status}' gatehouse 2>/dev/null | grep -q 'install ok installed'; then
  fail "gatehouse is still installed after apt-get remove"
fi
left=""
while read -r f; do
  if [ -d "$f" ] && [ ! -L "$f" ]; then
    continue   # folders shared with other packages, such as /usr/share/man/man1, stay
  fi
  if [ -e "$f" ] || [ -L "$f" ]; then
    left="$left $f"
  fi
done < <(sort -u "$work/listed.txt" "$work/files.txt")
[ -z "$left" ] || fail "left behind after apt-get remove:$left"
if PATH=/usr/sbin:/usr/bin:/sbin:/bin command -v gatehouse >/dev/null; then
  fail "gatehouse is still on the PATH after apt-get remove"
fi
step "removed: none of the package's $(wc -l < "$work/files.txt") files is left, gatehouse is off the PATH"
echo "package-check: every check passed"
