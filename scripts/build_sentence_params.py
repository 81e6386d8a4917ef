"""Learn the shipped Punkt sentence-splitter parameters from CoNLL-2003's training text.

    ner-studio data fetch conll2003          # once: the corpus goes to the per-user cache
    python scripts/build_sentence_params.py  # writes resources/sentences/punkt_conll2003.json

Punkt is unsupervised: it reads the training documents as running text (re-joined from the
tokens by ``core/datasets/detokenize.py``) and learns abbreviations, collocations, sentence starters
and each word's capitalisation. Only what generalises is kept, so the file stays small and
carries no run of the corpus' text: abbreviations, collocations and starters whole, and the
capitalisation record of words seen at least ``--min-count`` times (rarer words fall back to
Punkt's own rules). The CoNLL text itself is never written anywhere.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ner_studio.core.datasets.fetch import corpus_files  # noqa: E402
from ner_studio.core.datasets.detokenize import running_text  # noqa: E402
from ner_studio.core.formats import read_documents  # noqa: E402
from ner_studio.core.text.sentences import params_to_json, shipped_params_path, train  # noqa: E402

# Abbreviations every English text uses but newswire rarely shows with a period; the
# tokenizer's own lists (core/text/tokenizer.py) and section/article references ("Sec. 4").
EXTRA_ABBREVIATIONS = "sec secs sect art arts para paras ch chap pp fig figs no nos vol vols eq eqs approx".split()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cache", help="the corpus folder (default: the per-user cache)")
    parser.add_argument("--min-count", type=int, default=3,
                        help="keep the capitalisation of words seen this often (default 3)")
    parser.add_argument("-o", "--output", type=Path, default=shipped_params_path())
    args = parser.parse_args(argv)

    from ner_studio.core.text.tokenizer import ABBREVIATIONS, TITLES

    started = time.perf_counter()
    docs = read_documents(corpus_files("conll2003", args.cache)["train"])
    texts = [running_text(doc.sentence_words(i) for i in range(len(doc.sentences)))[0] for doc in docs]
    trainer = train(texts)
    counts = Counter(word.lower().rstrip(".,;:!?\"')") for text in texts for word in text.split())
    params = trainer.get_params()
    learned = set(params.abbrev_types)
    known = {a.lower() for a in TITLES | ABBREVIATIONS} | set(EXTRA_ABBREVIATIONS)
    params.abbrev_types |= known
    data = params_to_json(params, args.min_count, counts)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"{len(docs)} CoNLL-2003 training documents in {time.perf_counter() - started:.1f} s: "
          f"{len(learned)} abbreviations learned (+{len(params.abbrev_types) - len(learned)} known), "
          f"{len(params.collocations)} collocations, {len(params.sent_starters)} sentence starters, "
          f"capitalisation of {len(data['ortho_context'])} of {len(params.ortho_context)} words "
          f"-> {args.output} ({args.output.stat().st_size / 1024:.0f} KiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
