"""rich progress bars for `datacollab backup` and `restore` (services call stage, advance)."""

from __future__ import annotations

from typing import Any

from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn


class RichProgress:
    def __init__(self, stream: Any) -> None:
        from rich.console import Console

        self.bars = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            TextColumn("{task.completed}/{task.total}"),
            TimeElapsedColumn(),
            console=Console(file=stream, stderr=False),
            transient=False,
        )
        self.task: TaskID | None = None

    def __enter__(self) -> RichProgress:
        self.bars.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.bars.stop()

    def stage(self, label: str, total: int | None) -> None:
        if self.task is not None:
            self.bars.update(self.task, completed=self.bars.tasks[-1].total or 0)
        self.task = self.bars.add_task(label, total=total)

    def advance(self, amount: int = 1) -> None:
        if self.task is not None:
            self.bars.advance(self.task, amount)
