"""Start Rasa with a few fixes applied (each function below says why); runs in the engine venv.

Run by path (``.venv-rasa/bin/python bot/engine/launcher.py run ...``), never imported by
the application: it imports Rasa, which only the engine's venv has.

Why: Rasa 3.6 validates every action-server response with ``jsonschema.validate``, which
re-checks the schema itself on each call (~80 ms of CPU per custom-action turn on a
2-core machine). A validator built once does the same validation in ~1 ms. The patch keeps
Rasa's behaviour (same schema, same ValidationError) and then hands over to Rasa's own
``main``, so every Rasa command-line option works unchanged.

Why the second: Rasa builds its SQL tracker store's connection pool without
``pool_pre_ping``. After PostgreSQL restarts, the next turn reads from a dead pooled
connection; Rasa's fail-safe wrapper swallows the error and answers from an empty tracker
that is never saved, so that worker's conversation silently starts over. With pre-ping a
dead connection is replaced before it is used (one ``SELECT 1`` per checkout).
"""

from __future__ import annotations

import sys
from typing import Any


def _patch_action_response_validation() -> None:
    from jsonschema import ValidationError, validators
    from rasa.core.actions.action import RemoteAction
    from rasa.shared.constants import DOCS_BASE_URL

    schema = RemoteAction.action_response_format_spec()
    validator_class = validators.validator_for(schema)
    validator_class.check_schema(schema)
    validator = validator_class(schema)

    def _validate_action_result(self: RemoteAction, result: dict[str, Any]) -> bool:
        try:
            validator.validate(result)
        except ValidationError as error:
            error.message += (
                ". Failed to validate Action server response from API, make sure your "
                "response from the Action endpoint is valid. For more information about "
                f"the format visit {DOCS_BASE_URL}/custom-actions"
            )
            raise
        return True

    RemoteAction._validate_action_result = _validate_action_result  # type: ignore[method-assign]


def _patch_tracker_store_pool() -> None:
    from rasa.core import tracker_store

    create_engine_kwargs = tracker_store.create_engine_kwargs

    def _with_pre_ping(url: Any) -> dict[str, Any]:
        kwargs = dict(create_engine_kwargs(url))
        if tracker_store.is_postgresql_url(url):
            kwargs["pool_pre_ping"] = True
        return kwargs

    tracker_store.create_engine_kwargs = _with_pre_ping


def _patch_shared_http_sessions() -> None:
    """Keep one aiohttp session (and its open connections) per endpoint and event loop.

    Why: Rasa's ``EndpointConfig.request`` opens a new ``ClientSession`` for every call and
    closes it afterwards, so every custom action pays a new TCP connection to the action
    server and a session's set-up (about a tenth of the engine's CPU per turn here). The
    kept session sends the same requests; only the connection is reused.
    """
    import asyncio

    from rasa.utils.endpoints import EndpointConfig

    make_session = EndpointConfig.session
    kept: dict[tuple[int, str, str], Any] = {}

    class _Kept:
        def __init__(self, session: Any) -> None:
            self._session = session

        async def __aenter__(self) -> Any:
            return self._session

        async def __aexit__(self, *_: object) -> None:
            return None

    def session(self: EndpointConfig) -> Any:
        # Keyed by what the session is made of, not by object: endpoints may be copied.
        config = repr((sorted(self.headers.items()), sorted(self.basic_auth.items())))
        key = (id(asyncio.get_running_loop()), str(self.url), config)
        current = kept.get(key)
        if current is None or current.closed:
            current = kept[key] = make_session(self)
        return _Kept(current)

    EndpointConfig.session = session


def _freeze_heap_after_model_load() -> None:
    """Move everything alive once the model is loaded out of the garbage collector's way.

    Why: the engine holds millions of long-lived objects (TensorFlow, scikit-learn, the
    graph). Every full collection walked all of them, stalling every conversation for a
    few hundred milliseconds at a time; frozen objects are never scanned again.
    """
    import gc

    from rasa.core import agent

    load_agent = agent.load_agent

    async def load_and_freeze(*args: Any, **kwargs: Any) -> Any:
        loaded = await load_agent(*args, **kwargs)
        gc.collect()
        gc.freeze()
        return loaded

    agent.load_agent = load_and_freeze


def _import_before_fork() -> None:
    """Import what loading the model imports, once, before Sanic forks its workers.

    Why: each worker loads the model after the fork, and with it TensorFlow, scikit-learn
    and the graph components: imported there, every worker kept its own copy (~400 MB
    each). Imported here, the workers share those pages with the parent; ``gc.freeze``
    keeps the collector from writing to them (which would copy them after all).
    """
    import gc
    import importlib
    import os

    if int(os.environ.get("SANIC_WORKERS", "1") or 1) <= 1:
        return
    for module in (
        "rasa.core.agent",
        "rasa.engine.recipes.default_recipe",  # every built-in component, TensorFlow too
        "rasa.engine.runner.dask",
        "sklearn_crfsuite",
        "nlu.components.classifiers",
        "nlu.components.normalizers",
    ):
        importlib.import_module(module)
    import jieba

    jieba.setLogLevel(60)
    jieba.initialize()  # its main dictionary (~80 MB of Python objects), shared too

    gc.collect()
    gc.freeze()


def _lower_priority() -> None:
    """Run the engine at a lower CPU priority (``HOTLINE_ENGINE_NICE``, default 0).

    Why: where the engine shares a machine with the gateway, an overload must not starve
    the gateway, whose work per message is small but has a deadline: WeChat's holding
    reply has to leave within 5 s whatever the engine is doing.
    """
    import os

    nice = int(os.environ.get("HOTLINE_ENGINE_NICE", "0") or 0)
    if nice > 0:
        os.nice(nice)


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "run":
        _lower_priority()
        _import_before_fork()
        _freeze_heap_after_model_load()
        _patch_action_response_validation()
        _patch_tracker_store_pool()
        _patch_shared_http_sessions()
    from rasa.__main__ import main as rasa_main

    sys.argv[0] = "rasa"
    rasa_main()


if __name__ == "__main__":
    main()
