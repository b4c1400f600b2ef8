# Qinglian — the README's commands. Everything a fresh machine needs is installed from here.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HTMX_VERSION := 2.0.11
ECHARTS_VERSION := 5.6.0
VENDOR := qinglian/static/vendor
PORT ?= 8000
RUN_DB ?= sqlite:///$(CURDIR)/var/qinglian.sqlite3
# The second engine's pass: browser walks, subprocesses, LibreOffice and the readers' fuzzing ran on the first
# (paperwork/ has no database at all), so only what depends on the engine runs again.
ENGINE_ONLY := not browser and not single_engine
export PYTHONDONTWRITEBYTECODE := 1
SHELL := /bin/bash
.SHELLFLAGS := -o pipefail -ec
# Show only pip's errors: this machine's pip config names absent wheel folders, and setuptools warns about
# editable installs; neither is anything a newcomer must act on. A failed install still stops make (pipefail).
QUIET_PIP := grep -E "^(ERROR|error:)" || true

.PHONY: install run test test-sqlite test-postgres bench lint sbom bundle system-deps clean prod-local prod-local-stop

install: $(STAMP) $(VENDOR)/htmx.min.js $(VENDOR)/echarts.min.js

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install -q --upgrade pip 2>&1 | { $(QUIET_PIP); }
	@$(BIN)/python -m pip install -q -e '.[dev]' 2>&1 | { $(QUIET_PIP); }
	@touch $(STAMP)

# Front-end assets come from the npm registry at install time, pinned, and are never committed.
$(VENDOR)/htmx.min.js:
	@mkdir -p $(VENDOR) .tmp-htmx
	@cd .tmp-htmx && npm pack --silent htmx.org@$(HTMX_VERSION) >/dev/null && tar -xzf htmx.org-$(HTMX_VERSION).tgz
	@cp .tmp-htmx/package/dist/htmx.min.js $@ && rm -rf .tmp-htmx

$(VENDOR)/echarts.min.js:
	@mkdir -p $(VENDOR) .tmp-echarts
	@cd .tmp-echarts && npm pack --silent echarts@$(ECHARTS_VERSION) >/dev/null && tar -xzf echarts-$(ECHARTS_VERSION).tgz
	@cp .tmp-echarts/package/dist/echarts.min.js $@ && rm -rf .tmp-echarts

run: install
	@mkdir -p var
	@DATABASE_URL="$${DATABASE_URL:-$(RUN_DB)}" $(BIN)/qinglian migrate -v0
	@DATABASE_URL="$${DATABASE_URL:-$(RUN_DB)}" $(BIN)/qinglian keys init --if-missing
	@DATABASE_URL="$${DATABASE_URL:-$(RUN_DB)}" $(BIN)/qinglian demo --if-empty
	@# The job worker (reminders, batches of reports) runs beside the server and stops with it.
	@export DATABASE_URL="$${DATABASE_URL:-$(RUN_DB)}"; \
		$(BIN)/qinglian worker >>var/worker.log 2>&1 & worker=$$!; \
		trap 'kill -TERM $$worker 2>/dev/null || true; wait $$worker 2>/dev/null || true' EXIT; \
		echo "后台任务进程已启动（日志：var/worker.log），随网页服务一同停止。"; \
		$(BIN)/qinglian serve --port $(PORT)

# The several-app-server layout (docs/deploy.md): nginx on 127.0.0.1:8080 in front of two gunicorn processes,
# PostgreSQL, Valkey/Redis and the job worker, all under var/prod-local/ (kept between runs).
prod-local: install system-deps
	@scripts/prod-local.sh start

prod-local-stop:
	@scripts/prod-local.sh stop

# System packages the tests need: PostgreSQL (a real server), LibreOffice and CJK fonts (PDF export),
# Chromium (page screenshots). Installed with apt only when missing.
system-deps:
	@scripts/system-deps.sh

test: install system-deps
	@$(BIN)/qinglian keys init --if-missing
	@$(BIN)/ruff check qinglian paperwork bench
	@$(BIN)/python -m django makemigrations --check --dry-run --settings=qinglian.settings >/dev/null || \
		{ echo "模型有改动但缺少迁移：请运行 makemigrations"; exit 1; }
	@echo "== 测试套件：SQLite =="
	@$(BIN)/python -m pytest -n 2 --durations=25
	@echo "== 测试套件：PostgreSQL（本机回环地址上的临时服务器；与数据库无关的测试已在上面跑过） =="
	@scripts/with-postgres.sh $(BIN)/python -m pytest -n 2 --durations=25 qinglian -m "$(ENGINE_ONLY)"

test-sqlite: install
	@$(BIN)/python -m pytest -n 2 --durations=25

test-postgres: install system-deps
	@scripts/with-postgres.sh $(BIN)/python -m pytest -n 2 --durations=25 qinglian -m "$(ENGINE_ONLY)"

# bench_province runs on PostgreSQL only (the province set, 1 and 2 gunicorn processes, Redis, the job queue).
# bench/profile_*.py take its set apart by hand (root statistics by provider, reports alone with cProfile).
bench: install system-deps
	@for f in bench/bench_*.py; do [ "$$f" = bench/bench_province.py ] && continue; echo "== $$f =="; $(BIN)/python $$f || exit 1; done
	@echo "== bench/bench_stats.py（PostgreSQL，本机回环地址上的临时服务器） =="
	@scripts/with-postgres.sh $(BIN)/python bench/bench_stats.py
	@echo "== bench/bench_province.py（PostgreSQL 临时服务器，全省规模：1 个与 2 个应用进程对照） =="
	@scripts/with-postgres.sh $(BIN)/python bench/bench_province.py

lint: install
	@$(BIN)/ruff check qinglian paperwork bench
	@$(BIN)/mypy
	@# bandit: no finding above low; each silenced one carries its reason on its line (# reason  # nosec Bxxx)
	@$(BIN)/bandit -q -r qinglian paperwork -x "*/tests/*,*/migrations/*" -ll 2>&1 | { grep -v "WARNING" || true; }

# The offline install bundle for intranet servers (no internet): dist/qinglian-VERSION-offline.tar.gz, built
# from the committed tree, with the wheels for CPython 3.11 on x86_64 and aarch64; what has no wheel is
# printed and listed in its MISSING.txt (docs/deploy.md, "Offline install").
bundle: install
	@$(BIN)/python scripts/bundle.py

# A CycloneDX SBOM of the installed packages (what an 等保 evaluator asks for), written to dist/.
sbom: install
	@mkdir -p dist
	@$(BIN)/cyclonedx-py environment --of JSON -o dist/sbom.cdx.json $(BIN)/python
	@echo "已写出 dist/sbom.cdx.json"

clean:
	rm -rf $(VENV) $(VENDOR) var .tmp
