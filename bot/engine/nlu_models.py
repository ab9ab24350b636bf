"""Train and serve NLU-only models of other pipeline configs, for side-by-side evaluation.

Why: the pipeline is chosen by measurement (nlu/README.md). ``hotline nlu compare`` and
``hotline nlu eval --compare`` train each candidate config once (cached by a fingerprint of
config + NLU data + dictionary + custom components, with its measured training time kept
beside the model), serve it on a free port through the same launcher as production, and
parse the test set through its HTTP API exactly as the production engine is measured.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from bot.engine.model import ENGINE_VENV, EngineSetupError, engine_environment, rasa_executable
from bot.settings import PROJECT_ROOT

__all__ = ["ServedModel", "TrainedNluModel", "serve_nlu_model", "train_nlu_model"]

NLU_INPUTS = (
    PROJECT_ROOT / "nlu" / "data",
    PROJECT_ROOT / "nlu" / "dictionary",
    PROJECT_ROOT / "nlu" / "components",
)
START_TIMEOUT_S = 180


@dataclass(frozen=True)
class TrainedNluModel:
    config: Path
    path: Path
    train_seconds: float


@dataclass(frozen=True)
class ServedModel:
    url: str
    token: str


def _fingerprint(config: Path) -> str:
    digest = hashlib.sha256(config.read_bytes())
    for root in NLU_INPUTS:
        for path in sorted(p for p in root.rglob("*") if p.is_file() and p.suffix != ".pyc"):
            digest.update(str(path.relative_to(PROJECT_ROOT)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def train_nlu_model(config: Path, model_dir: Path) -> TrainedNluModel:
    """The NLU model of ``config`` on the current data, training it only if needed."""
    name = f"{config.stem}-{_fingerprint(config)}"
    target = model_dir / f"{name}.tar.gz"
    sidecar = model_dir / f"{name}.json"
    if target.exists() and sidecar.exists():
        seconds = float(json.loads(sidecar.read_text())["train_seconds"])
        return TrainedNluModel(config, target, seconds)
    if not rasa_executable().exists():
        raise EngineSetupError("引擎环境 .venv-rasa 不存在：请先运行 make engine-venv。")
    model_dir.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    result = subprocess.run(
        [
            str(rasa_executable()),
            "train",
            "nlu",
            "--config",
            str(config),
            "--nlu",
            str(PROJECT_ROOT / "nlu" / "data"),
            "--out",
            str(model_dir),
            "--fixed-model-name",
            name,
        ],
        cwd=PROJECT_ROOT,
        env=engine_environment(),
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - started
    (model_dir / f"{name}.train.log").write_text(result.stdout + "\n" + result.stderr)
    if result.returncode != 0 or not target.exists():
        raise EngineSetupError(
            f"training {config.name} failed; see {model_dir / (name + '.train.log')}"
        )
    sidecar.write_text(json.dumps({"train_seconds": round(seconds, 1), "config": config.name}))
    return TrainedNluModel(config, target, round(seconds, 1))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serve_nlu_model(model: Path, log_path: Path) -> Iterator[ServedModel]:
    """Run an engine with ``model`` on a free loopback port until the block ends."""
    port, token = _free_port(), secrets.token_urlsafe(16)
    argv = [
        str(ENGINE_VENV / "bin" / "python"),
        str(PROJECT_ROOT / "bot" / "engine" / "launcher.py"),
        "run",
        "--enable-api",
        "--auth-token",
        token,
        "--model",
        str(model),
        "--interface",
        "127.0.0.1",
        "--port",
        str(port),
    ]
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            argv, cwd=PROJECT_ROOT, env=engine_environment(), stdout=log, stderr=subprocess.STDOUT
        )
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + START_TIMEOUT_S
            while True:
                if process.poll() is not None:
                    raise EngineSetupError(f"engine for {model.name} exited; see {log_path}")
                try:
                    if httpx.get(f"{url}/status", params={"token": token}, timeout=2).is_success:
                        break
                except httpx.TransportError:
                    pass
                if time.monotonic() > deadline:
                    raise EngineSetupError(f"engine for {model.name} did not start; see {log_path}")
                time.sleep(0.5)
            yield ServedModel(url=url, token=token)
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
