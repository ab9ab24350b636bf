"""Train the Rasa model only when its inputs changed.

The model file is named after a fingerprint of every input (domain, NLU data, rules,
stories, pipeline config, dictionary, engine requirements), so an unchanged checkout reuses
the model it already has and a changed one can never run a stale model.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import subprocess
from pathlib import Path

from bot.settings import PROJECT_ROOT

__all__ = [
    "CONFIG_PATH",
    "DATA_PATHS",
    "DOMAIN_PATH",
    "EngineSetupError",
    "ensure_model",
    "fingerprint",
    "model_path",
    "train_command",
]

DOMAIN_PATH = PROJECT_ROOT / "flows" / "domain"
DATA_PATHS = (
    PROJECT_ROOT / "nlu" / "data",
    PROJECT_ROOT / "flows" / "rules",
    PROJECT_ROOT / "flows" / "stories",
)
CONFIG_PATH = PROJECT_ROOT / "nlu" / "config.yml"
EXTRA_INPUTS = (
    PROJECT_ROOT / "nlu" / "dictionary",
    PROJECT_ROOT / "nlu" / "components",
    PROJECT_ROOT / "requirements" / "engine.txt",
)
ENGINE_VENV = PROJECT_ROOT / ".venv-rasa"
MISALIGNED = "Misaligned entity annotation"
KEEP_MODELS = 4
# Models and Rasa's training cache are kept across checkouts (CI runs on a fresh clone):
# an unchanged fingerprint is copied instead of retrained.
USER_CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "hotline"


class EngineSetupError(RuntimeError):
    """The engine cannot be set up (no Python 3.10, training failed, …)."""


def _input_files() -> list[Path]:
    files: list[Path] = []
    for root in (DOMAIN_PATH, *DATA_PATHS, CONFIG_PATH, *EXTRA_INPUTS):
        if root.is_file():
            files.append(root)
        elif root.is_dir():
            files.extend(p for p in root.rglob("*") if p.is_file() and p.suffix != ".pyc")
    return sorted(files)


def fingerprint() -> str:
    """A short hash of the training inputs' paths and contents."""
    digest = hashlib.sha256()
    for path in _input_files():
        digest.update(str(path.relative_to(PROJECT_ROOT)).encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()[:16]


def model_path(model_dir: Path) -> Path:
    return model_dir / f"hotline-{fingerprint()}.tar.gz"


def engine_environment() -> dict[str, str]:
    """Environment for engine subprocesses: quiet, custom components importable, and the
    training cache outside the checkout."""
    return {
        **os.environ,
        "PYTHONPATH": str(PROJECT_ROOT),
        "PYTHONWARNINGS": "ignore",
        "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
        "TF_CPP_MIN_LOG_LEVEL": "2",
        "RASA_CACHE_DIRECTORY": str(USER_CACHE / "rasa-cache"),
        # No telemetry or error reports leave the machine (and no network at run time).
        "RASA_TELEMETRY_ENABLED": "false",
    }


def rasa_executable() -> Path:
    return ENGINE_VENV / "bin" / "rasa"


def train_command(model_dir: Path) -> list[str]:
    """The ``rasa train`` invocation for the project's split layout."""
    return [
        str(rasa_executable()),
        "train",
        "--domain",
        str(DOMAIN_PATH),
        "--data",
        *(str(p) for p in DATA_PATHS if p.exists()),
        "--config",
        str(CONFIG_PATH),
        "--out",
        str(model_dir),
        "--fixed-model-name",
        model_path(model_dir).name.removesuffix(".tar.gz"),
    ]


def ensure_model(model_dir: Path, *, force: bool = False) -> tuple[Path, bool]:
    """Return the model for the current inputs, training it first if needed.

    Returns (path, trained). Raises EngineSetupError with Rasa's output on failure.
    A lock file serialises training, so parallel test runs never train the same model
    twice or read a half-written one; older models are kept (the newest few) because a
    running engine may still be using one.
    """
    target = model_path(model_dir)
    if target.exists() and not force:
        return target, False
    model_dir.mkdir(parents=True, exist_ok=True)
    cached = USER_CACHE / "models" / target.name
    with (model_dir / ".train.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if target.exists() and not force:
            return target, False
        if cached.exists() and not force:
            shutil.copyfile(cached, target)
            return target, False
        _train(model_dir, target)
        cached.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(target, cached)
    _prune(model_dir, keep=KEEP_MODELS)
    _prune(cached.parent, keep=KEEP_MODELS)
    return target, True


def _train(model_dir: Path, target: Path) -> None:
    if not rasa_executable().exists():
        raise EngineSetupError(
            "引擎环境 .venv-rasa 不存在：请先运行 `make engine-venv`（需要 Python 3.10）。"
        )
    result = subprocess.run(
        train_command(model_dir),
        cwd=PROJECT_ROOT,
        env=engine_environment(),
        capture_output=True,
        text=True,
        check=False,
    )
    log = model_dir / "last-train.log"
    log.write_text(result.stdout + "\n" + result.stderr, encoding="utf-8")
    if result.returncode != 0 or not target.exists():
        raise EngineSetupError(f"rasa train failed (exit {result.returncode}); see {log}")
    if MISALIGNED in result.stdout or MISALIGNED in result.stderr:
        # Rasa drops misaligned entity spans with only a warning; we refuse such a model.
        target.unlink()
        raise EngineSetupError(f"misaligned entity annotations in the NLU data; see {log}")


def _prune(model_dir: Path, *, keep: int) -> None:
    models = sorted(model_dir.glob("hotline-*.tar.gz"), key=lambda p: p.stat().st_mtime)
    for old in models[:-keep]:
        old.unlink(missing_ok=True)
