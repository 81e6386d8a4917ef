"""Sentence-boundary F1 of the regex splitter and Punkt, side by side, on CoNLL-2003 test.

Run: ``.venv/bin/python benchmarks/sentences.py [--split test] [--repeat 3]`` (needs
``ner-studio data fetch conll2003`` once). Each document's sentences are re-joined into
running text (``core/datasets/detokenize.py``) with known sentence starts; a splitter scores a boundary
when a sentence it finds starts exactly there. Two layouts:

* ``paragraphs``: headlines, bylines, datelines and table rows (no final punctuation) stand in
  their own paragraph, as on the page; boundaries after . ! ? run on in the text.
* ``run-on``: every sentence follows the previous after one space, headlines too (no splitter
  can find a headline's end without punctuation: a floor for both).

Splitters: today's regex rules (``core/text/tokenizer.py``); Punkt with NLTK's untrained defaults;
Punkt with the shipped CoNLL-2003 train parameters; the same plus what Punkt learns from the
test documents themselves (as a project learns from its own documents; the learning time is
printed). Each splitter gets the same tokens, so times are of the splitting alone.
"""

from __future__ import annotations

import argparse
import time

from ner_studio.core.datasets.fetch import corpus_files
from ner_studio.core.datasets.detokenize import running_text
from ner_studio.core.formats import read_documents
from ner_studio.core.text.sentences import PunktSplitter, shipped_splitter
from ner_studio.core.text.tokenizer import split_sentences, word_tokens


def corpus(split: str, paragraphs: bool) -> list[tuple[str, set[int]]]:
    docs = read_documents(corpus_files("conll2003")[split])
    texts = []
    for doc in docs:
        text, starts = running_text((doc.sentence_words(i) for i in range(len(doc.sentences))), paragraphs)
        texts.append((text, set(starts)))
    return texts


def score(split, texts, tokens) -> tuple[float, float, float, float]:
    """``(precision, recall, F1, seconds)`` of ``split(text, tokens)`` over the corpus."""
    found = correct = gold = 0
    seconds = 0.0
    for (text, starts), toks in zip(texts, tokens):
        began = time.perf_counter()
        sentences = split(text, toks)
        seconds += time.perf_counter() - began
        predicted = {toks.starts[s.start] for s in sentences[1:]}
        found += len(predicted)
        correct += len(predicted & starts)
        gold += len(starts)
    precision = correct / found if found else 0.0
    recall = correct / gold if gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1, seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--split", default="test", choices=("train", "dev", "test"))
    parser.add_argument("--repeat", type=int, default=3, help="timing runs; the fastest counts")
    args = parser.parse_args()

    began = time.perf_counter()
    shipped = shipped_splitter()
    load = time.perf_counter() - began
    print(f"loading NLTK and the shipped Punkt parameters: {load:.2f} s")
    for layout in ("paragraphs", "run-on"):
        texts = corpus(args.split, layout == "paragraphs")
        tokens = [word_tokens(text) for text, _ in texts]
        chars = sum(len(text) for text, _ in texts)
        began = time.perf_counter()
        learned = shipped.learned(text for text, _ in texts)
        learn_s = time.perf_counter() - began
        splitters = {
            "regex rules (today)": split_sentences,
            "Punkt, untrained": PunktSplitter(shipped.params.__class__()).split,
            "Punkt, CoNLL-2003 train params": shipped.split,
            "Punkt, + learned from these docs": learned.split,
        }
        print(f"\nCoNLL-2003 {args.split}, layout '{layout}': {len(texts)} documents, {chars / 1e6:.2f} M "
              f"characters, {sum(len(s) for _, s in texts)} sentence boundaries; learning from them: {learn_s:.2f} s")
        print(f"{'splitter':36} {'precision':>9} {'recall':>7} {'F1':>7} {'split MB/s':>10}")
        for name, split in splitters.items():
            runs = [score(split, texts, tokens) for _ in range(args.repeat)]
            p, r, f1, _ = runs[0]
            seconds = min(run[3] for run in runs)
            print(f"{name:36} {100 * p:9.2f} {100 * r:7.2f} {100 * f1:7.2f} {chars / 1e6 / seconds:10.2f}")


if __name__ == "__main__":
    main()
