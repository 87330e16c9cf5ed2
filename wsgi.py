"""The WSGI entry point: `gunicorn wsgi:app`, and `flask --app wsgi ...` for the CLI.

`VALUMA_ENV` picks the configuration, production when it is unset: gunicorn and every other
command get production's checks. Only the development server's command, `flask valuma serve`,
runs the development configuration when nothing says otherwise. A setting that makes start-up
impossible stops the process with one line that names the variable.
"""

import itertools
import sys

from config import ConfigError, config_from_env
from valuma_space import create_app


def is_development_server(argv: list[str]) -> bool:
    """`flask ... valuma serve ...`: the command line of the development server."""
    words = [word for word in argv[1:] if not word.startswith("-")]
    return ("valuma", "serve") in itertools.pairwise(words)


try:
    default = "development" if is_development_server(sys.argv) else "production"
    app = create_app(config_from_env(default=default))
except ConfigError as error:
    sys.exit(f"VALUMA Space cannot start: {error}")
