"""Fuzz every form and every route's query parameters with hypothesis, in full, on both engines.

    .venv/bin/python bench/fuzz.py [--examples 1000] [--engines sqlite,postgresql]

The same targets and strategies as tests/test_fuzz.py (tests/fuzzing.py), with far more examples:
each route and method gets EXAMPLES requests, as the admin and, for public routes, signed out.
PostgreSQL runs on a fresh database of its own (127.0.0.1:5432, user postgres), dropped after.
Prints per engine the examples sent and `server errors: N`, and the first errors found.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import flask_migrate  # noqa: E402
import psycopg  # noqa: E402

from tests.conftest import IsolatedClient, make_config  # noqa: E402
from tests.fuzzing import fuzz_app  # noqa: E402
from valuma_space import create_app  # noqa: E402
from valuma_space.extensions import db  # noqa: E402

ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"


def run(url: str, examples: int, label: str) -> int:
    app = create_app(make_config(url))
    app.test_client_class = IsolatedClient
    started = time.monotonic()
    with app.app_context():
        flask_migrate.upgrade()
        outcome = fuzz_app(app, examples)
        db.session.remove()
        db.engine.dispose()
    minutes = (time.monotonic() - started) / 60
    print(f"{label}: {outcome.examples} examples in {minutes:.1f} min")
    print(f"{label}: server errors: {len(outcome.server_errors)}")
    for line in outcome.server_errors[:20]:
        print(f"  {line}")
    return len(outcome.server_errors)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=1000)
    parser.add_argument("--engines", default="sqlite,postgresql")
    args = parser.parse_args()
    errors = 0
    for engine in args.engines.split(","):
        if engine == "sqlite":
            folder = Path(tempfile.mkdtemp(prefix="valuma-fuzz-"))
            errors += run(f"sqlite:///{folder / 'fuzz.db'}", args.examples, "sqlite")
        else:
            name = f"valuma_fuzz_{int(time.time())}"
            with psycopg.connect(ADMIN_URL, autocommit=True) as connection:
                connection.execute(f"CREATE DATABASE {name}")
            try:
                url = f"postgresql://postgres@127.0.0.1:5432/{name}"
                errors += run(url, args.examples, "postgresql")
            finally:
                with psycopg.connect(ADMIN_URL, autocommit=True) as connection:
                    connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    print(f"server errors: {errors}")
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()
