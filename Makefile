# Amends: `make demo` runs the product, `make test` passes the tests.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.install-stamp
PYTEST_ARGS ?=

.PHONY: install test test-sqlite lint demo bench screenshots wordpress-pot wordpress-mo clean

install: $(STAMP)

# Rebuild the environment only when the project's dependencies change.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

lint: install
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/mypy

# The whole suite, on SQLite and on PostgreSQL (AMENDS_TEST_POSTGRES_URL,
# default postgresql://127.0.0.1:5432/test).
test: install lint
	$(BIN)/pytest $(PYTEST_ARGS)

# The suite without the PostgreSQL runs, for a machine without the server.
test-sqlite: install
	$(BIN)/pytest -m "not postgres" $(PYTEST_ARGS)

# The README's screenshots of the panel in both hosts, taken by the browser tests.
screenshots: install
	AMENDS_SCREENSHOTS=docs/screenshots $(BIN)/pytest -m browser -p no:cacheprovider

# The WordPress plugin's compiled translations, from its .po files. GNU msgfmt (Debian's
# gettext), not Babel: WordPress' MO reader refuses a .mo without a hash table, and
# Babel writes none.
WORDPRESS_PLUGIN := admin_ui/wordpress/amends-for-woocommerce
WORDPRESS_LANGUAGES := $(WORDPRESS_PLUGIN)/languages
WORDPRESS_DOMAIN := amends-for-woocommerce
WORDPRESS_KEYWORDS := __ _e esc_html__ esc_html_e esc_attr__ esc_attr_e _x:1,2c _n:1,2 \
  _nx:1,2,4c esc_html_x:1,2c esc_attr_x:1,2c _n_noop:1,2

# The plugin's translation template, extracted afresh from its PHP with GNU xgettext
# (WordPress' translation functions), then merged into each .po: a new sentence arrives
# untranslated, a sentence the code no longer says is dropped. Translate, then
# `make wordpress-mo`.
wordpress-pot:
	cd $(WORDPRESS_PLUGIN) && find . -name '*.php' | LC_ALL=C sort | sed 's|^\./||' | \
	  xgettext --files-from=- --language=PHP --from-code=UTF-8 --sort-by-file \
	    --add-comments=translators: \
	    $(addprefix --keyword=,$(WORDPRESS_KEYWORDS)) \
	    --package-name='Amends for WooCommerce' \
	    --package-version=$$(sed -n 's/^ \* Version: *//p' $(WORDPRESS_DOMAIN).php) \
	    --copyright-holder=Amends --msgid-bugs-address= \
	    --output=languages/$(WORDPRESS_DOMAIN).pot
	for po in $(WORDPRESS_LANGUAGES)/*.po; do \
	  msgmerge --quiet --update --no-fuzzy-matching --backup=none \
	    "$$po" $(WORDPRESS_LANGUAGES)/$(WORDPRESS_DOMAIN).pot || exit 1; \
	  msgattrib --no-obsolete --output-file="$$po" "$$po" || exit 1; \
	done

wordpress-mo:
	for po in $(WORDPRESS_LANGUAGES)/*.po; do \
	  msgfmt --check -o "$${po%.po}.mo" "$$po" || exit 1; \
	done

demo: install
	$(BIN)/python demo/play.py

# Every benchmark in bench/ at sizes a 2-core machine runs in about a quarter of an hour,
# on SQLite and PostgreSQL, then one table of the figures beside their ceilings
# (bench/results.md); bench/results.json keeps each with the command that reproduces it.
# BENCH_ARGS="--only pipeline,intake" or '--args worker="--deliveries 10000"' change it.
BENCH_ARGS ?=
# Lighthouse (bench/webvitals.py) comes from bench/package-lock.json, into bench/node_modules.
bench: install
	npm ci --prefix bench --no-audit --no-fund
	$(BIN)/python bench/run.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) instance .pytest_cache .ruff_cache
