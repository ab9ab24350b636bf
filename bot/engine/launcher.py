"""Start Rasa with one fix applied; runs inside the engine's Python 3.10 venv.

Run by path (``.venv-rasa/bin/python bot/engine/launcher.py run ...``), never imported by
the application: it imports Rasa, which only the engine's venv has.

Why: Rasa 3.6 validates every action-server response with ``jsonschema.validate``, which
re-checks the schema itself on each call (~80 ms of CPU per custom-action turn on a
2-core machine). A validator built once does the same validation in ~1 ms. The patch keeps
Rasa's behaviour (same schema, same ValidationError) and then hands over to Rasa's own
``main``, so every Rasa command-line option works unchanged.
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


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "run":
        _patch_action_response_validation()
    from rasa.__main__ import main as rasa_main

    sys.argv[0] = "rasa"
    rasa_main()


if __name__ == "__main__":
    main()
