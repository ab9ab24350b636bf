# Two commands do all the set-up:  `make run`  (the assistant)  and  `make test`  (the tests).
# Everything else here is a step they call.

SHELL := /bin/bash
VENV := .venv
ENGINE_VENV := .venv-rasa
PY := $(VENV)/bin/python
HOTLINE := $(VENV)/bin/hotline
PYTHON311 := $(shell scripts/find-python.sh 3.11 || scripts/find-python.sh 3.12 || scripts/find-python.sh 3.13)
PYTHON310 := $(shell scripts/find-python.sh 3.10)

.PHONY: run test setup venv engine-venv model migrate lint format audit check-python310 docker-up clean

run: setup ## Start engine, action server and gateway (Ctrl-C stops all of them)
	@echo ""
	@echo "  网关 / gateway       http://127.0.0.1:8000   (健康检查 /health, 接口文档 /docs)"
	@echo "  Rasa 引擎 / engine   http://127.0.0.1:5005"
	@echo "  动作服务 / actions   http://127.0.0.1:5055"
	@echo "  试一试 / try:  $(HOTLINE) ask \"我怀孕了，公司要辞退我\"   或   $(HOTLINE) chat"
	@echo ""
	$(VENV)/bin/honcho start -f Procfile

test: setup ## Run every test: unit, integration (real PostgreSQL + Redis), end-to-end
	$(PY) -m pytest

setup: venv engine-venv model migrate

venv: $(VENV)/.installed
$(VENV)/.installed: pyproject.toml
	@test -n "$(PYTHON311)" || { echo "需要 Python 3.11 或更高版本 / Python 3.11+ is required"; exit 1; }
	$(PYTHON311) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e '.[dev]'
	touch $@

check-python310:
	@test -n "$(PYTHON310)" || { \
	  echo ""; \
	  echo "找不到 Python 3.10：Rasa 3.6 引擎需要它。/ Python 3.10 was not found: the Rasa 3.6 engine needs it."; \
	  echo "  - 安装 Python 3.10（例如 pyenv install 3.10）后重新运行；或"; \
	  echo "  - 使用 Docker：docker compose up --build（见 README 的“用 Docker 部署”）。"; \
	  echo ""; exit 1; }

engine-venv: check-python310 $(ENGINE_VENV)/.installed
$(ENGINE_VENV)/.installed: requirements/engine.txt requirements/engine.lock.txt
	$(PYTHON310) -m venv $(ENGINE_VENV)
	$(ENGINE_VENV)/bin/pip install --quiet --upgrade 'pip<24.1'
	$(ENGINE_VENV)/bin/pip install --quiet -r requirements/engine.txt -c requirements/engine.lock.txt
	touch $@

model: venv engine-venv ## Train the Rasa model when its inputs changed
	$(HOTLINE) engine train

migrate: venv ## Bring the database (SQLite under var/ unless DATABASE_URL) to the latest schema
	$(HOTLINE) db upgrade

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

audit: venv ## pip-audit both virtual environments (says so and passes when offline)
	bash scripts/audit.sh

format: venv
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

docker-up:
	docker compose up --build

clean:
	rm -rf $(VENV) $(ENGINE_VENV) models var .pytest_cache
