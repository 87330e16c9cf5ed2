"""No input to any form or query answers with a server error (see tests/fuzzing.py; in full,
with a thousand examples per target, bench/fuzz.py)."""

from __future__ import annotations

import os

from flask import Flask

from tests.fuzzing import fuzz_app

EXAMPLES = int(os.environ.get("VALUMA_FUZZ_EXAMPLES", "25"))


def test_no_form_or_query_answers_with_a_server_error(app: Flask) -> None:
    outcome = fuzz_app(app, EXAMPLES)
    assert outcome.examples >= 80 * EXAMPLES  # every target was tried
    assert outcome.server_errors == [], "\n" + "\n".join(outcome.server_errors[:40])
