"""Progress bars on standard error for long command-line jobs."""

from __future__ import annotations

import sys


class StderrProgress:
    """A one-line progress bar on standard error (a line per step when it is not a terminal)."""

    WIDTH = 30

    def __init__(self) -> None:
        self.terminal = sys.stderr.isatty()
        self.last = ""

    def __call__(self, fraction: float, text: str) -> None:
        filled = int(self.WIDTH * max(0.0, min(fraction, 1.0)))
        line = f"[{'#' * filled}{'.' * (self.WIDTH - filled)}] {fraction:4.0%} {text}"
        if self.terminal:
            print(f"\r{line[:110]:<110}", end="" if fraction < 1 else "\n", file=sys.stderr, flush=True)
        elif text != self.last:
            print(line, file=sys.stderr, flush=True)
        self.last = text


class ProgressBar:
    """A text progress bar on standard error: [#######.......] 7/28 Drug offences: map."""

    def __init__(self, stream=None, width: int = 30):
        self.stream = stream or sys.stderr
        self.width = width

    def __call__(self, done: int, total: int, message: str) -> None:
        filled = round(self.width * done / total) if total else self.width
        bar = "#" * filled + "." * (self.width - filled)
        self.stream.write(f"\r[{bar}] {done}/{total} {message[:40]:<40}")
        if done >= total:
            self.stream.write("\n")
        self.stream.flush()
