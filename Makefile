# Two commands set everything up: `make run` and `make test`.
# Python 3.11 or 3.12 (packaging/find-python.sh says why, and how to get one when missing).
PYTHON ?= $(shell packaging/find-python.sh 2>/dev/null)
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: run test system-run system-test lint bench agreement eval eval-real screenshot translations fuzz soak example package package-test package-debian11 package-debian11-test arm64-root test-arm64 package-arm64 package-arm64-test clean venv

$(STAMP): pyproject.toml setup.py
	@test -n "$(PYTHON)" || packaging/find-python.sh >/dev/null
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	touch $(STAMP)

venv: $(STAMP)

# The system libraries (packaging/system-packages.txt) first: the window needs Qt's xcb set,
# the tests only what Qt needs on its offscreen platform. Silent and quick when present.
system-run:
	@packaging/system-deps.sh core window xcb fonts camera

system-test:
	@packaging/system-deps.sh core window

# ARGS for the window, e.g. make run ARGS="--camera demo"
run: system-run $(STAMP)
	@$(PY) -m capture_station gui $(ARGS)

test: system-test $(STAMP)
	$(PY) -m ruff check capture_station tests benchmarks setup.py
	$(VENV)/bin/lint-imports
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q

lint: $(STAMP)
	$(PY) -m ruff check capture_station tests benchmarks setup.py
	$(VENV)/bin/lint-imports

bench: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) -m benchmarks.run

# LiteRT vs MediaPipe face analysis on the painted-fault photos, live video and (with
# REALFACES=FOLDER) the real photos; skipped with a one-line message without MediaPipe
agreement: $(STAMP)
	REALFACES="$(REALFACES)" $(PY) -m benchmarks.backend_agreement

eval: $(STAMP)
	$(PY) -m benchmarks.evaluate_checks

# Checks on a folder of real photos labelled by hand (images/ and labels.tsv); skipped with a
# one-line message when there is none: REALFACES=FOLDER make eval-real
eval-real: $(STAMP)
	REALFACES="$(REALFACES)" $(PY) -m benchmarks.eval_real

soak: $(STAMP)
	SOAK_SECONDS=$${SOAK_SECONDS:-900} QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q -s tests/test_soak.py

fuzz: $(STAMP)
	FUZZ_EXAMPLES=$${FUZZ_EXAMPLES:-50000} QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q tests/test_hostile_input.py

example: $(STAMP)
	$(PY) -m benchmarks.example_photo

screenshot: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) -m capture_station.gui.screenshot docs/screenshots

translations: $(STAMP)
	$(VENV)/bin/pyside6-lupdate capture_station/gui/*.py -source-language zh_CN -target-language en -locations none -no-obsolete -ts assets/i18n/capture_station_en.ts
	$(VENV)/bin/pyside6-lrelease assets/i18n/capture_station_en.ts -qm assets/i18n/capture_station_en.qm

package: $(STAMP)
	packaging/build.sh
	packaging/make_deb.sh

package-test: $(STAMP)
	$(PY) packaging/smoke_test.py

# Builds for the offices' older systems (glibc 2.31: Debian 11, UOS, Kylin V10) and ARM64, made in
# Debian 11 roots under build/roots/ (root, debootstrap; arm64 runs under qemu-user-static). Slow
# and not part of `make test`; a re-run skips what is done (packaging/README.md).
SHOTS := build/smoke-shots/station-shot.jpg

$(SHOTS): $(STAMP)
	$(PY) packaging/smoke_test.py --make-shots $(dir $(SHOTS))

package-debian11:
	packaging/package-in-root.sh amd64 package

package-debian11-test: $(SHOTS)
	packaging/smoke-in-root.sh amd64

arm64-root:
	packaging/package-in-root.sh arm64 venv

test-arm64: $(SHOTS)
	packaging/test-in-root.sh arm64

package-arm64:
	packaging/package-in-root.sh arm64 package

package-arm64-test: $(SHOTS)
	packaging/smoke-in-root.sh arm64

clean:
	@! grep -qF " $(CURDIR)/build/roots/" /proc/mounts 2>/dev/null \
		|| { echo "clean: a root under build/roots/ still has something mounted (umount it first)" >&2; exit 2; }
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .ruff_cache
