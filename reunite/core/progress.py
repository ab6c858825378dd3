"""Progress bars on stderr for long CLI work (stdout stays clean for --json)."""

import sys

from tqdm import tqdm


class ProgressBars:
    """A `progress(stage, done, total)` callback that draws one tqdm bar per stage."""

    def __init__(self, enabled: bool = True):
        self.enabled = enabled and sys.stderr is not None
        self.bars: dict[str, tqdm] = {}

    def __call__(self, stage: str, done: int, total: int) -> None:
        if not self.enabled:
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
