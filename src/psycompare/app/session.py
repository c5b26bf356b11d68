"""Session: the global options of one call (data directories, colour, pager, terminal) and the
dataset they select, opened on first use. Every command function takes one."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence

    from psycompare.app.output import Output
    from psycompare.app.terminal import Terminal
    from psycompare.model import Substance
    from psycompare.store.dataset import Dataset


class Session:
    """The global options of one call, and the dataset they select (opened on first use)."""

    def __init__(
        self,
        data_dirs: Sequence[str | os.PathLike[str]] = (),
        bundled: bool = True,
        no_color: bool = False,
        no_pager: bool = False,
        color: str | None = None,
        terminal: Terminal | None = None,
    ) -> None:
        self.data_dirs = list(data_dirs)
        self.bundled = bundled
        self.no_color = no_color
        self.no_pager = no_pager
        self.color = color  # --color WHEN; None: the environment, the config file, then auto
        self.terminal = terminal  # None: read from stdout and the environment when output starts
        self._dataset: Dataset | None = None

    def dataset(self) -> Dataset:
        if self._dataset is None:
            from psycompare.store.dataset import Dataset, env_data_dirs

            self._dataset = Dataset([*env_data_dirs(), *self.data_dirs], bundled=self.bundled)
        return self._dataset

    def output(self, fmt: str | None) -> Output:
        from psycompare.app.output import Output

        return Output(
            fmt,
            no_color=self.no_color,
            pager=not self.no_pager,
            info=self.info,
            notes=self.notes,
            color=self.color,
            terminal=self.terminal,
        )

    def notes(self) -> list[str]:
        """What the dataset skipped (broken user files), once each; emptied when read."""
        if self._dataset is None:
            return []
        found, self._dataset.notes[:] = list(self._dataset.notes), []
        return found

    def info(self) -> dict[str, str] | None:
        """The dataset's version and date, for the `meta` of machine output."""
        found = self.dataset().info()
        return {"version": found.version, "date": found.date.isoformat()} if found else None

    def load(self, names: Sequence[str]) -> list[Substance]:
        """Records for names, ids or aliases; every name resolves before anything prints."""
        ds = self.dataset()
        ids = [ds.resolve(n) for n in names]
        return [ds.load(i) for i in dict.fromkeys(ids)]
