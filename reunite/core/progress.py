"""Progress bars on stderr for long CLI work (stdout stays clean for --json).

A bar redraws itself with terminal escape codes, which only a terminal should receive: when
stderr is a file or a pipe (a log, a script reading --json), each stage is reported once, as a
plain line, when it ends."""

import sys

from tqdm import tqdm


class ProgressBars:
    """A `progress(stage, done, total)` callback that draws one tqdm bar per stage."""

    def __init__(self, enabled: bool = True, plain: bool = False):
        self.enabled = enabled and sys.stderr is not None
        self.terminal = self.enabled and not plain and sys.stderr.isatty()
        self.bars: dict[str, tqdm] = {}
        self.reported: set[str] = set()

    def __call__(self, stage: str, done: int, total: int) -> None:
        if not self.enabled:
            return
        if not self.terminal:
            if done >= total and stage not in self.reported:
                self.reported.add(stage)
                print(f"{stage}: {done:,}/{total:,}", file=sys.stderr, flush=True)
            return
        bar = self.bars.get(stage)
        if bar is None:
            bar = self.bars[stage] = tqdm(total=total, desc=stage, unit="row", file=sys.stderr,
                                          leave=True, mininterval=0.2)
        if bar.total != total:
            bar.total = total
        bar.n = done
        bar.refresh() if done >= total else bar.update(0)

    def close(self) -> None:
        for bar in self.bars.values():
            bar.close()
