"""Give a trained model rows for more words of the vectors file it started from, and word pieces.

    python scripts/build_word_vectors.py --words 100000 --fit-words 50000 --jobs 4 --onto resources/models/default.pt \
        --trained-on "<cache>/datasets/conll2003/train.txt" --pieces "<cache>/vectors/minilm-pieces-100d.txt" \
        -o "<cache>/vectors/minilm-wordfreq-50k-100k-100d.txt"
    python scripts/extend_vocabulary.py --vectors "<cache>/vectors/minilm-wordfreq-50k-100k-100d.txt" \
        --pieces "<cache>/vectors/minilm-pieces-100d.txt" -o extended.pt   # [--score: and CoNLL scores + card]

The bundled model was trained from the first 50,000 words of ``build_word_vectors.py``'s file;
tweets and reports are full of words past them. A file built with ``--fit-words 50,000`` (its
first 50,000 lines are that file) or ``--onto`` the model puts its other words in the space the
model learned in, and a row holding such a word's vector is what training would have left it
(``model.grow.with_vector_words`` says why). Before writing, the script checks that claim on the
model itself (``--fit-words``): the rows of the first words that CoNLL never trained must equal
the new file's vectors to the file's precision (half precision, +-0.01 for the PCA's rounding).
A file built ``--onto`` the model (its words after the first 50,000 only, projected by a map
fitted on the model's untrained rows) was checked so when it was built.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ner_studio.core.errors import FormatError  # noqa: E402
from ner_studio.model.checkpoint import load_checkpoint, save_checkpoint  # noqa: E402
from ner_studio.model.grow import with_vector_words, with_word_pieces  # noqa: E402
from ner_studio.model.vocab import normalize_word  # noqa: E402
from ner_studio.resources import bundled_model_location  # noqa: E402


def read_table(path: Path) -> tuple[list[str], torch.Tensor]:
    """``(words, vectors)`` of a vectors text file in its order, the first spelling of each
    normalised word kept (a 200,000-line file as one tensor, not 30M Python floats)."""
    words: list[str] = []
    rows: list[torch.Tensor] = []
    seen: set[str] = set()
    with path.open(encoding="utf-8") as stream:
        for number, line in enumerate(stream, start=1):
            word, _, numbers = line.rstrip("\n").partition(" ")
            key = normalize_word(word)
            if key in seen:
                continue
            try:
                rows.append(torch.tensor([float(x) for x in numbers.split(" ")]))
            except ValueError:
                raise FormatError(f"not a number in the vector of {word!r}", path, number) from None
            seen.add(key)
            words.append(key)
    return words, torch.stack(rows)


def unchanged_rows(loaded, words: list[str], vectors: torch.Tensor, first: int) -> tuple[int, int, float]:
    """``(rows equal to the file's vector, rows compared, the largest other difference)``: the
    file's first ``first`` words against the model's rows for them."""
    vocab, table = loaded.vocabs.words, loaded.model.word_embedding.weight.detach()
    places = [(k, vocab.index(w)) for k, w in enumerate(words[:first]) if w in vocab]
    ours = table[[i for _, i in places]]
    file = vectors[[k for k, _ in places]].half().float()
    close = ((ours - file).abs().max(dim=1).values <= 0.01)
    moved = (ours - file).abs().max(dim=1).values[~close]
    return int(close.sum()), len(places), float(moved.min()) if len(moved) else 0.0


def score(loaded) -> None:
    """CoNLL-2003 dev and test scores into ``loaded``'s metadata (what the model card shows)."""
    from ner_studio.core.datasets.fetch import corpus_files
    from ner_studio.core.formats import read_documents
    from ner_studio.model.predict import TorchPredictor
    from ner_studio.model.workflow import evaluate_tagger

    files = corpus_files("conll2003")
    for split in ("dev", "test"):
        evaluation = evaluate_tagger(TorchPredictor(loaded), read_documents(files[split], "conll"))
        loaded.metadata[split] = evaluation.to_dict()
        print(f"CoNLL-2003 {split} F1 {100 * evaluation.overall.f1:.2f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--vectors", type=Path, required=True, help="the larger vectors file (build_word_vectors.py)")
    parser.add_argument("--pieces", type=Path, help="the word pieces' vectors (build_word_vectors.py --pieces)")
    parser.add_argument("--words", type=int, help="only the file's first N words (default: all)")
    parser.add_argument("--fit-words", type=int, help="check that the file's first N words are the vectors the model "
                        "was trained from (a --fit-words N file of build_word_vectors.py; one built --onto the model "
                        "holds only the words after them, checked when it was built)")
    parser.add_argument("--model", type=Path, default=bundled_model_location())
    parser.add_argument("-o", "--output", type=Path, help="default: rewrite --model")
    parser.add_argument("--score", action="store_true",
                        help="score the result on CoNLL-2003 dev and test (`ner-studio data fetch conll2003`) into its "
                        "metadata and rewrite MODEL_CARD.md beside it, as train_default_model.py does")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    parent = load_checkpoint(args.model)
    words, vectors = read_table(args.vectors)
    words, vectors = words[:args.words], vectors[:args.words]
    same = compared = None
    if args.fit_words:  # a file that starts with the words the model was trained from
        same, compared, smallest_moved = unchanged_rows(parent, words, vectors, args.fit_words)
        print(f"the model's rows for the file's first {args.fit_words:,} words: {same:,} of {compared:,} are the "
              f"file's vector (the others moved by >= {smallest_moved:.2f}: CoNLL trained them)")
        if same < compared // 2:
            raise SystemExit("the file's first words are not the vectors the model started from: wrong --fit-words "
                             "or a file built otherwise")
    loaded, added = with_vector_words(parent, words, vectors)
    if args.pieces:
        pieces, piece_vectors = read_table(args.pieces)
        loaded = with_word_pieces(loaded, pieces, piece_vectors)
    data = loaded.metadata.setdefault("data", {})
    # A file built --onto the model holds the words after those it was trained from.
    data["vector_words"] = len(words) + (0 if args.fit_words else data.get("vector_words", 0))
    data["vector_rows"] = data.get("vector_rows", 0) + added
    loaded.metadata["vocabulary_extension"] = {
        "vectors": args.vectors.name, "words_before": len(parent.vocabs.words), "rows_added": added,
        "unchanged_rows": [same, compared] if compared else None, "pieces": len(loaded.vocabs.pieces) if loaded.vocabs.pieces else 0,
        "pieces_file": args.pieces.name if args.pieces else None}
    if args.score:
        score(loaded)
    output = args.output or args.model
    save_checkpoint(output, loaded.model, loaded.vocabs, loaded.labels, loaded.scheme, loaded.metadata)
    print(f"{added:,} words added ({len(parent.vocabs.words):,} -> {len(loaded.vocabs.words):,}), "
          f"{data.get('vector_rows')} rows from vectors -> {output} ({output.stat().st_size / 1e6:.1f} MB, "
          f"{time.perf_counter() - started:.0f} s)")
    if args.score:
        from train_default_model import write_card

        write_card(output.parent)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
