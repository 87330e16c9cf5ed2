"""The WSGI entry point: `gunicorn wsgi:app`, and `flask --app wsgi ...` for the CLI.

`VALUMA_ENV` picks the configuration; a setting that makes start-up impossible stops the
process with one line that names the variable.
"""

import sys

from config import ConfigError, config_from_env
from valuma_space import create_app

try:
    app = create_app(config_from_env())
except ConfigError as error:
    sys.exit(f"VALUMA Space cannot start: {error}")
