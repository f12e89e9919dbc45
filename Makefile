# Gatehouse. `make demo` and `make test` work on a fresh Debian 12 machine: they install what they
# need (system packages with apt-get, through sudo when not root; tauri-driver with cargo; the
# sandbox's Python packages in .venv; the page's checks, TypeScript, with npm from package-lock.json).

SHELL := /bin/bash
export PATH := $(HOME)/.cargo/bin:$(PATH)

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
VENV := .venv
PY := $(VENV)/bin/python

BUILD_PKGS := libwebkit2gtk-4.1-dev libgtk-3-dev librsvg2-dev libayatana-appindicator3-dev \
              libssl-dev libdbus-1-dev pkg-config build-essential python3 python3-venv
TEST_PKGS := xvfb webkit2gtk-driver imagemagick gnome-keyring libsecret-tools dbus-x11 dbus awscli
UI_PKGS := nodejs npm

.PHONY: demo run test build check ui-check system-deps test-deps ui-deps venv tauri-driver bench clean

## demo: start the local AWS sandbox seeded with SecurePets and open Gatehouse on it
demo: system-deps venv build
	@tests/fake_aws/demo.sh target/debug/gatehouse

## run: Gatehouse against your real AWS profiles
run: system-deps build
	target/debug/gatehouse

## test: install what the tests need, then run every test (unit, page, sandbox, CLI, window)
test: system-deps test-deps ui-deps venv tauri-driver check ui-check
	$(PY) tests/fake_aws/test_sandbox.py
	tests/with-desktop.sh cargo test --all-targets --no-fail-fast -- --test-threads=2
	@echo "make test: all tests ran; window screenshots are in target/screenshots/"

## bench: release build, then issue 6's figures against the sandbox with AWS-like throttling
## (bulk protect, AWS CLI baseline, review load, start-up, memory); one table, also written to
## target/bench/report.md. Not part of `make test`.
bench: system-deps test-deps venv tauri-driver
	@[ -x $(VENV)/bin/aws ] || $(VENV)/bin/pip install -q "$$(grep -E '^awscli' tests/fake_aws/requirements.txt)"
	tests/with-desktop.sh cargo bench --bench gatehouse

build:
	cargo build

check:
	cargo fmt --check
	cargo clippy --all-targets -- -D warnings

## ui-check: regenerate ui/bindings from the Rust types, type-check the page against them, and run
## the page's unit tests
ui-check: ui-deps
	cargo test --lib contract
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

# Node.js and npm from Debian when npm is missing; then TypeScript as package-lock.json pins it.
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

tauri-driver:
	@command -v tauri-driver >/dev/null || cargo install tauri-driver --version 2.1.0 --locked

clean:
	cargo clean
	rm -rf $(VENV) node_modules
