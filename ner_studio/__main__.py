"""``python -m ner_studio`` and the packaged app's entry point: the same as ``ner-studio``."""

import multiprocessing
import sys

from ner_studio.cli import main

if __name__ == "__main__":
    # The packaged app starts its training process by running itself (gui/learning/training_process.py)
    multiprocessing.freeze_support()
    sys.exit(main())
