"""The Compose deployment describes what the design says, and the engine shares one pin file."""

from __future__ import annotations

import re

import yaml

from bot.settings import PROJECT_ROOT

COMPOSE = yaml.safe_load((PROJECT_ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
ENGINE_DOCKERFILE = (PROJECT_ROOT / "docker" / "engine.Dockerfile").read_text(encoding="utf-8")


def test_compose_has_every_part_of_the_deployment() -> None:
    assert {"postgres", "redis", "engine", "actions", "gateway", "migrate"} <= set(
        COMPOSE["services"]
    )


def test_engine_is_built_from_the_official_rasa_image() -> None:
    assert "FROM rasa/rasa:3.6.21\n" in ENGINE_DOCKERFILE


def test_engine_image_and_local_setup_install_the_same_requirements_file() -> None:
    makefile = (PROJECT_ROOT / "Makefile").read_text(encoding="utf-8")
    pattern = re.compile(r"-r \S*requirements/engine\.txt -c \S*requirements/engine\.lock\.txt")
    assert pattern.search(ENGINE_DOCKERFILE)
    assert pattern.search(makefile)
    pins = [
        line
        for line in (PROJECT_ROOT / "requirements" / "engine.txt").read_text().splitlines()
        if line and not line.startswith("#")
    ]
    assert "rasa==3.6.21" in pins
    assert all("==" in line for line in pins)


def test_every_long_running_service_has_a_health_check() -> None:
    for name in ("postgres", "redis", "engine", "actions", "gateway"):
        assert "healthcheck" in COMPOSE["services"][name], name


def test_data_services_keep_their_data_in_volumes() -> None:
    assert set(COMPOSE["volumes"]) == {"postgres-data", "redis-data"}
    assert any("postgres-data" in v for v in COMPOSE["services"]["postgres"]["volumes"])
    assert any("redis-data" in v for v in COMPOSE["services"]["redis"]["volumes"])


def test_production_secrets_have_no_default_in_compose() -> None:
    text = (PROJECT_ROOT / "docker-compose.yml").read_text(encoding="utf-8")
    for secret in ("POSTGRES_PASSWORD", "SECRET_KEY", "PHONE_ENCRYPTION_KEY", "RASA_TOKEN"):
        assert f"${{{secret}:?" in text, secret


def test_docker_engine_files_point_at_the_compose_services() -> None:
    endpoints = yaml.safe_load((PROJECT_ROOT / "docker" / "endpoints.yml").read_text())
    assert endpoints["action_endpoint"]["url"] == "http://actions:5055/webhook"
    assert endpoints["tracker_store"]["url"] == "postgres"
    assert endpoints["lock_store"]["url"] == "redis"


def test_procfile_runs_the_three_processes() -> None:
    procfile = (PROJECT_ROOT / "Procfile").read_text(encoding="utf-8")
    names = {line.split(":", 1)[0] for line in procfile.splitlines() if line.strip()}
    assert names == {"engine", "actions", "gateway"}


def test_a_purge_service_erases_personal_data_once_a_day() -> None:
    purge = COMPOSE["services"]["purge"]
    assert purge["image"] == COMPOSE["services"]["gateway"]["image"]
    script = " ".join(purge["entrypoint"] + purge["command"])
    assert "hotline purge" in script and "sleep 86400" in script
    assert purge["depends_on"]["postgres"] == {"condition": "service_healthy"}
    assert purge["environment"]["DATABASE_URL"].startswith("postgresql")


def test_the_engine_encrypts_personal_data_in_its_tracker_store() -> None:
    endpoints = yaml.safe_load((PROJECT_ROOT / "docker" / "endpoints.yml").read_text())
    store = endpoints["tracker_store"]
    assert store["type"] == "flows.tracker_store.EncryptingSQLTrackerStore"
    assert store["encryption_key"] == "${PHONE_ENCRYPTION_KEY}"
    assert "PHONE_ENCRYPTION_KEY" in COMPOSE["services"]["engine"]["environment"]
