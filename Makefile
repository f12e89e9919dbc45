# Gatehouse. `make demo` and `make test` work on a fresh Debian 12 machine: they install what they
# need (system packages with apt-get, through sudo when not root; tauri-driver with cargo; the
# sandbox's Python packages in .venv; the template validators in .venv-judges; the page's checks,
# TypeScript, and aws-cdk-lib for the CDK type check, with npm from package-lock.json).
# `make package` builds the .deb and .rpm with Tauri's bundler (@tauri-apps/cli, pinned the same way).

SHELL := /bin/bash
export PATH := $(HOME)/.cargo/bin:$(PATH)

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
VENV := .venv
PY := $(VENV)/bin/python
# The validators users run on templates (cfn-lint, SAM's translator, checkov, python-hcl2).
JUDGES := .venv-judges

BUILD_PKGS := libwebkit2gtk-4.1-dev libgtk-3-dev librsvg2-dev libayatana-appindicator3-dev \
              libssl-dev libdbus-1-dev pkg-config build-essential python3 python3-venv
TEST_PKGS := xvfb webkit2gtk-driver imagemagick gnome-keyring libsecret-tools dbus-x11 dbus awscli
UI_PKGS := nodejs npm

# The release build that run, package and bench share, and what `make package` makes from it.
RELEASE := $(or $(CARGO_TARGET_DIR),target)/release
VERSION := $(shell python3 -c 'import json; print(json.load(open("tauri.conf.json"))["version"])')
DEB := $(RELEASE)/bundle/deb/Gatehouse_$(VERSION)_$(shell dpkg --print-architecture 2>/dev/null).deb
# The man page and completions, generated from the release binary; tauri.conf.json's
# bundle.linux.{deb,rpm}.files map them into the packages.
SHARE := target/share

.PHONY: demo run test build release package package-check install uninstall icons check ui-check \
        system-deps test-deps ui-deps venv judges tauri-driver bench clean

## demo: start the local AWS sandbox seeded with SecurePets and open Gatehouse on it
demo: system-deps venv build
	@tests/fake_aws/demo.sh target/debug/gatehouse

## run: Gatehouse (the release build) against your real AWS profiles
run: release
	$(RELEASE)/gatehouse

## test: install what the tests need, then run every test (unit, page, sandbox, judges, CLI,
## window)
test: system-deps test-deps ui-deps venv judges tauri-driver check ui-check
	$(PY) tests/fake_aws/test_sandbox.py
	$(JUDGES)/bin/python tests/templates/test_judges.py
	tests/with-desktop.sh cargo test --workspace --all-targets --no-fail-fast -- --test-threads=2
	$(MAKE) package-check
	@echo "make test: all tests ran; window screenshots are in target/screenshots/"

## bench: release build, then the figures against the sandbox with AWS-like throttling (bulk
## protect, AWS CLI baseline, review load, start-up, memory; the sweep across accounts and
## regions; every account of an SSO sign-in, 20 and 200 accounts × 17 regions, each throttled
## at its own quota: time against the busiest account's bound, peak memory, their growth); one
## table, also written to target/bench/report.md. One part alone: `cargo bench --bench
## gatehouse -- accounts` (bulk, review, sweep, accounts). Not part of `make test`.
bench: system-deps test-deps venv tauri-driver
	@[ -x $(VENV)/bin/aws ] || $(VENV)/bin/pip install -q "$$(grep -E '^awscli' tests/fake_aws/requirements.txt)"
	cargo build --release --example bare_window
	tests/with-desktop.sh cargo bench --bench gatehouse

build:
	cargo build

release: system-deps
	cargo build --release

## package: the release build, its man page and completions, then the .deb and .rpm in
## $(RELEASE)/bundle/ by Tauri's bundler (nothing is downloaded; no second compile)
package: release ui-deps
	rm -rf $(SHARE) && mkdir -p $(SHARE)/man/man1 $(SHARE)/completions
	$(RELEASE)/gatehouse manpage > $(SHARE)/man/man1/gatehouse.1
	gzip -9n $(SHARE)/man/man1/gatehouse.1
	$(RELEASE)/gatehouse completions bash > $(SHARE)/completions/gatehouse.bash
	$(RELEASE)/gatehouse completions zsh > $(SHARE)/completions/_gatehouse
	$(RELEASE)/gatehouse completions fish > $(SHARE)/completions/gatehouse.fish
	@for f in $(SHARE)/completions/*; do [ -s $$f ] || { echo "package: $$f is empty" >&2; exit 1; }; done
	npx tauri bundle --bundles deb,rpm

## package-check: make package, then inspect the .deb, install it with apt, run the installed
## gatehouse against the sandbox, and remove it again (tests/package/check.sh)
package-check: venv
	tests/package/check.sh

## install: the .deb of `make package`, through apt so that its dependencies come too
install:
	@[ -f $(DEB) ] || { echo "install: no $(DEB); run make package first" >&2; exit 1; }
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y $(abspath $(DEB))

uninstall:
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get remove -y gatehouse

## icons: every icon the bundles use (PNG sizes, .icns, .ico) from the one source image
icons: ui-deps
	npx tauri icon icons/gatehouse.svg
	npx tauri icon icons/gatehouse.svg --png 16,24,48,256
	rm -rf icons/android icons/ios icons/Square*Logo.png icons/StoreLogo.png

check:
	cargo fmt --all --check
	cargo clippy --workspace --all-targets -- -D warnings

## ui-check: regenerate ui/bindings from the Rust types, type-check the page against them, and run
## the page's unit tests
ui-check: ui-deps
	cargo test -p gatehouse --lib contract
	npx tsc --noEmit -p tsconfig.json
	node --test ui/test/*.test.js

system-deps:
	@missing=$$(for p in $(BUILD_PKGS); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "Installing system packages: $$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi

test-deps:
	@missing=$$(for p in $(TEST_PKGS); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "Installing test packages: $$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi

# Node.js and npm from Debian when npm is missing; then what package-lock.json pins: TypeScript,
# Tauri's CLI, aws-cdk-lib, and axe-core (the window tests evaluate node_modules/axe-core/axe.min.js).
ui-deps: node_modules/.installed
node_modules/.installed: package-lock.json
	@command -v npm >/dev/null || { \
	  missing=$$(for p in $(UI_PKGS); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	  echo "Installing Node.js: $$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	}
	npm ci --no-audit --no-fund
	touch $@

venv: $(VENV)/.installed
$(VENV)/.installed: tests/fake_aws/requirements.txt
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip
	$(VENV)/bin/pip install -q -r tests/fake_aws/requirements.txt
	touch $@

# Their own venv: checkov pins an old boto3 the sandbox must not get. python-hcl2 goes to its own
# folder (--target): checkov's fork, bc-python-hcl2, installs the same `hcl2` package and the
# two would overwrite each other's files; judge.py puts the folder first for its hcl2 check only.
judges: $(JUDGES)/.installed
$(JUDGES)/.installed: tests/templates/requirements.txt tests/templates/requirements-hcl2.txt
	python3 -m venv $(JUDGES)
	$(JUDGES)/bin/pip install -q --upgrade pip
	$(JUDGES)/bin/pip install -q -r tests/templates/requirements.txt
	rm -rf $(JUDGES)/python-hcl2
	$(JUDGES)/bin/pip install -q --target $(JUDGES)/python-hcl2 -r tests/templates/requirements-hcl2.txt
	touch $@

tauri-driver:
	@command -v tauri-driver >/dev/null || cargo install tauri-driver --version 2.1.0 --locked

clean:
	cargo clean
	rm -rf $(VENV) $(JUDGES) node_modules
