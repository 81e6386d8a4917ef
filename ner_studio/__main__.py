"""``python -m ner_studio`` and the packaged app's entry point: the same as ``ner-studio``."""

import sys

from ner_studio.cli import main

if __name__ == "__main__":
    sys.exit(main())
