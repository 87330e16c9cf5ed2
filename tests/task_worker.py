"""A worker process for tests/test_task_queue.py: the real consumer (as `flask valuma worker`
runs it) on the test's database and queue, with one job of the test's own.

The job says through files in MARKER_DIR where it is: `started-N` as its Nth run begins; then,
until the test has made `release`, it waits as if it were a long job (the test kills it there);
once released it records its effect and says `finished`.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

from config import TestingConfig
from valuma_space import create_app
from valuma_space.tasks import queue as tasks

MARKERS = Path(os.environ["MARKER_DIR"])


@tasks.job("tests.hold", lease_seconds=1)
def hold(token: str) -> None:
    runs = len(list(MARKERS.glob("started-*"))) + 1
    (MARKERS / f"started-{runs}").touch()
    while not (MARKERS / "release").exists():
        threading.Event().wait(0.05)
    effect = MARKERS / "effect"
    # Safe to run twice: the effect is recorded once, whoever gets here.
    if not effect.exists():
        effect.write_text(f"{token}\n")
    (MARKERS / "finished").touch()


def main() -> None:
    config = TestingConfig(os.environ)
    config.TASK_QUEUE_URL = os.environ["TASK_QUEUE_URL"]
    config.TASK_QUEUE_NAME = os.environ.get("TASK_QUEUE_NAME", "valuma")
    app = create_app(config)
    with app.app_context():
        tasks.queue_for(app).consumer(threads=1, scheduler=False, embedded=False).run()


if __name__ == "__main__":
    main()
