# Reception Desk: `make run` starts the desk with demo data; `make test` runs every check.
# Both set up what they need first (system packages where allowed, the venv, translations).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

# What the desk needs from the system to show its windows (Qt's xcb and offscreen platforms),
# and libpulse0, without which Qt Multimedia (the display's announcements) does not load.
DESK_APT := libegl1 libgl1 libglib2.0-0 libfontconfig1 libdbus-1-3 libxkbcommon0 \
	libxkbcommon-x11-0 libx11-xcb1 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 \
	libxcb-image0 libxcb-randr0 libxcb-render-util0 libxcb-shape0 libxcb-xkb1 \
	fonts-dejavu-core fonts-dejavu-extra libpulse0
# What the tests and the bundle need besides: the PostgreSQL server and the CUPS print server
# (with a PDF queue) that the suite starts itself, poppler to render printed PDFs back to
# pixels, objdump for PyInstaller, SANE's scanimage (the scanning tests use its test backend).
TEST_APT := postgresql binutils cups cups-bsd cups-client cups-ipp-utils \
	printer-driver-cups-pdf ghostscript poppler-utils sane-utils

PO_FILES := $(wildcard resources/translations/*/LC_MESSAGES/reception.po)
MO_FILES := $(PO_FILES:.po=.mo)

.PHONY: setup system-packages test-system-packages translations run test lint typecheck \
	pytest bench bundle bundle-smoke extract-messages clean

setup: system-packages $(STAMP) translations

# Installs the listed Debian/Ubuntu packages that are missing: directly as root, through
# sudo when it needs no password, otherwise it names the command to run and goes on.
define apt_install
	@missing=""; for p in $(1); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null | \
		grep -q "ok installed" || missing="$$missing $$p"; done; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if ! command -v apt-get >/dev/null 2>&1; then \
		echo "Not a Debian/Ubuntu system: install the equivalents of:$$missing"; exit 0; fi; \
	if [ "$$(id -u)" = "0" ]; then SUDO=""; \
	elif sudo -n true 2>/dev/null; then SUDO="sudo -n"; \
	else echo "Run: sudo apt-get install -y$$missing"; exit 0; fi; \
	echo "Installing system packages:$$missing"; \
	$$SUDO apt-get update -qq && \
	DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends \
		$$missing >/dev/null
endef

system-packages:
	$(call apt_install,$(DESK_APT))

test-system-packages:
	$(call apt_install,$(DESK_APT) $(TEST_APT))

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "Reception Desk needs Python 3.11 or newer."; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || \
		{ echo "Could not create the venv: on Debian/Ubuntu install python3-venv."; exit 1; }
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,server]'
	@touch $@

translations: $(MO_FILES)

%.mo: %.po $(STAMP)
	$(BIN)/pybabel compile --use-fuzzy --statistics -i $< -o $@ 2>&1 | sed 's/^/  /'

extract-messages: $(STAMP)
	$(BIN)/pybabel extract --no-location --sort-by-file -k N_ -k ngettext:1,2 \
		-o resources/translations/reception.pot app ui printing
	$(BIN)/pybabel update --no-fuzzy-matching --ignore-obsolete -D reception \
		-i resources/translations/reception.pot -d resources/translations

run: setup
	@$(BIN)/reception-admin $(if $(DATA_DIR),--data-dir $(DATA_DIR)) init --demo
	$(BIN)/reception-desk $(if $(DATA_DIR),--data-dir $(DATA_DIR))

lint: $(STAMP)
	$(BIN)/ruff check app ui printing server tests bench
	$(BIN)/ruff format --check app ui printing server tests bench

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP) translations
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q

test: test-system-packages setup lint typecheck pytest

# The MRZ benchmark runs PassportEye beside the desk's reader: it needs Tesseract.
BENCH_APT := tesseract-ocr tesseract-ocr-eng
BENCH_STAMP := $(VENV)/.bench-installed

$(BENCH_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev,server,bench]'
	@touch $@

bench: test-system-packages setup $(BENCH_STAMP)
	$(call apt_install,$(BENCH_APT))
	QT_QPA_PLATFORM=offscreen $(BIN)/python bench/run_all.py

bundle: setup
	$(BIN)/pyinstaller --noconfirm --log-level WARN build.spec

bundle-smoke: bundle
	@smoke_dir=$$(mktemp -d) && \
		QT_QPA_PLATFORM=offscreen dist/reception-desk/reception-desk --smoke --data-dir $$smoke_dir && \
		dist/reception-desk/reception-admin --data-dir $$smoke_dir status >/dev/null && \
		rm -rf $$smoke_dir

clean:
	rm -rf build dist .mypy_cache .ruff_cache .pytest_cache $(MO_FILES)
