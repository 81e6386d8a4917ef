"""The UI thread's CPU when a part's tagging lands (``Workspace._on_predicted``), per part,
while ``gui_big_document.py`` opens its 1 MB file (issue 29 item 1: what the window does
between two ticks when a part's final entities arrive).

Wraps the slot before the window connects it, times it with ``time.thread_time`` (the UI
thread's own CPU: the other sessions' load does not add to it) and prints the figures after
``gui_big_document``'s own. Options are ``gui_big_document.py``'s.

    QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/predicted_cpu.py --as-installed
"""

from __future__ import annotations

import statistics
import sys
import time

import gui_big_document

from ner_studio.gui.window.qt_workspace import Workspace


def main() -> int:
    final, first = [], []
    slot = Workspace._on_predicted

    def timed(self, tagged) -> None:
        cpu = time.thread_time()
        try:
            slot(self, tagged)
        finally:
            (final if tagged.final else first).append((time.thread_time() - cpu) * 1000)

    Workspace._on_predicted = timed
    code = gui_big_document.main()
    if final:
        print(f"_on_predicted, UI thread CPU per final part: median {statistics.median(final):.1f} ms, "
              f"max {max(final):.1f} ms, total {sum(final):.0f} ms over {len(final)} parts "
              f"({', '.join(f'{ms:.1f}' for ms in final)}); first screens: "
              f"{', '.join(f'{ms:.1f}' for ms in first) or 'none'} ms")
    return code


if __name__ == "__main__":
    sys.exit(main())
