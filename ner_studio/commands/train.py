"""``ner-studio train TRAIN DEV -o MODEL``: train a BiLSTM-CRF tagger on annotated files."""

from __future__ import annotations

import argparse
import logging

from ner_studio.commands.model_options import (
    add_format_option,
    add_model_output,
    add_seed_option,
    add_threads_option,
    apply_threads,
    non_negative_int,
    positive_float,
    positive_int,
    probability,
)
from ner_studio.commands.outputs import add_force_option, checked_output, save_reporting_fallback
from ner_studio.core.errors import NerStudioError
from ner_studio.core.formats import read_documents

log = logging.getLogger(__name__)


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "train",
        help="train a tagger on annotated files",
        description="Train a BiLSTM tagger on TRAIN with early stopping on DEV (CoNLL or JSONL "
        "files) and save the best epoch to --output.",
    )
    parser.add_argument("train", help="training documents")
    parser.add_argument("dev", help="development documents for early stopping")
    add_model_output(parser, "model.pt")
    add_format_option(parser)
    parser.add_argument("--vectors", metavar="FILE", help="pre-trained word vectors (GloVe/word2vec text file)")
    parser.add_argument("--vector-words", type=non_negative_int, default=0, metavar="N",
                        help="with --vectors: give the file's first N words (the frequent ones, in GloVe "
                        "files) rows too, so words the training data lacks still have their vector")
    parser.add_argument("--freeze-words", action="store_true",
                        help="with --vectors: keep the word vectors fixed while training")
    parser.add_argument("--decoder", choices=("crf", "softmax"), default="crf", help="output layer (default crf)")
    parser.add_argument("--hidden", type=positive_int, default=200, help="LSTM units per direction (default 200)")
    parser.add_argument("--layers", type=positive_int, default=1, help="stacked BiLSTM layers (default 1)")
    parser.add_argument("--word-dim", type=positive_int, default=100, help="word embedding size without --vectors")
    parser.add_argument("--dropout", type=probability, default=0.5, help="dropout rate (default 0.5)")
    parser.add_argument("--document-pooling", action="store_true",
                        help="let each word's mentions in a document share scores (batches become whole "
                        "documents of at least --batch-size sentences)")
    parser.add_argument("--epochs", type=positive_int, default=50, help="maximum epochs (default 50)")
    parser.add_argument("--patience", type=non_negative_int, default=8, help="epochs without improvement before stopping")
    parser.add_argument("--monitor", choices=("dev_loss", "dev_f1"), default="dev_loss",
                        help="what early stopping watches (default dev_loss)")
    parser.add_argument("--batch-size", type=positive_int, default=16, help="sentences per batch (default 16)")
    parser.add_argument("--lr", type=positive_float, default=1e-3, help="Adam learning rate (default 0.001)")
    add_seed_option(parser)
    add_threads_option(parser)
    add_force_option(parser)
    parser.set_defaults(run=run)


class EpochPrinter:
    """Training callback: a tqdm bar per epoch and one summary line after each."""

    def __init__(self):
        self._bar = None

    def __call__(self, progress) -> None:
        from tqdm import tqdm

        if progress.phase == "batch":
            if self._bar is None:
                self._bar = tqdm(total=progress.batches, desc=f"epoch {progress.epoch}/{progress.epochs}",
                                 unit="batch", leave=False)
            self._bar.update(progress.batch - self._bar.n)
            self._bar.set_postfix(loss=f"{progress.loss:.3f}", refresh=False)
            return
        self.close()
        print(f"epoch {progress.epoch:3d}  loss {progress.loss:8.4f}  dev loss {progress.dev_loss:8.4f}  "
              f"dev F1 {100 * progress.dev_f1:6.2f}  best epoch {progress.best_epoch}  "
              f"ETA {progress.eta_seconds / 60:.1f} min", flush=True)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None


def run(args: argparse.Namespace) -> int:
    from ner_studio.model.checkpoint import save_checkpoint
    from ner_studio.model.training import TrainingConfig
    from ner_studio.model.workflow import train_tagger

    if (args.vector_words or args.freeze_words) and not args.vectors:
        raise NerStudioError("--vector-words and --freeze-words need --vectors FILE")
    output = checked_output(args, args.output, "model", inputs=[args.train, args.dev, args.vectors])
    apply_threads(args.threads)
    train_docs = read_documents(args.train, args.format)
    dev_docs = read_documents(args.dev, args.format)
    training = TrainingConfig(epochs=args.epochs, batch_size=args.batch_size, learning_rate=args.lr,
                              patience=args.patience, seed=args.seed, threads=args.threads, monitor=args.monitor)
    config = {"decoder": args.decoder, "hidden": args.hidden, "layers": args.layers,
              "word_dim": args.word_dim, "dropout": args.dropout, "document_pooling": args.document_pooling,
              "freeze_words": args.freeze_words}
    log.info("training started: a new model on %s, at most %d epochs", args.train, args.epochs)
    printer = EpochPrinter()
    try:
        loaded, result = train_tagger(train_docs, dev_docs, config=config, training=training,
                                      vectors=args.vectors, vector_words=args.vector_words, callback=printer)
    finally:
        printer.close()
    loaded.metadata["data"].update({"train_file": str(args.train), "dev_file": str(args.dev)})
    saved = save_reporting_fallback(output, lambda path: save_checkpoint(
        path, loaded.model, loaded.vocabs, loaded.labels, loaded.scheme, loaded.metadata))
    print(f"best epoch {result.best_epoch}: dev F1 {100 * result.best_dev_f1:.2f}, "
          f"dev loss {result.best_dev_loss:.4f}; saved {saved}")
    log.info("training ended: saved %s, best epoch %d, dev F1 %.1f", saved, result.best_epoch, 100 * result.best_dev_f1)
    return 0
