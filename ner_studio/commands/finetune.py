"""``ner-studio finetune MODEL TRAIN [--dev DEV] [--base BASE] -o OUT``: the app's fine-tuning
recipe, headless, and the scores on the sentences it did not train on."""

from __future__ import annotations

import argparse
from pathlib import Path

from ner_studio.commands.model_options import add_model_arguments, add_threads_option, apply_threads, model_path
from ner_studio.core.errors import NerStudioError
from ner_studio.core.formats import read_documents


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "finetune",
        help="fine-tune a model on annotated files with the app's recipe",
        description="Fine-tune MODEL on the entities annotated in TRAIN (CoNLL or JSONL) exactly as the "
        "app's Train action does, save the result to --output and print its per-label scores on the "
        "sentences it did not train on: DEV if given, otherwise the check share of TRAIN (sentences "
        "chosen by a content hash, as the app's check set is). New labels in TRAIN are learnt.",
    )
    add_model_arguments(parser)
    parser.add_argument("train", help="annotated documents to learn from")
    parser.add_argument("--dev", help="annotated documents to stop early on and score on (default: the "
                        "check share of TRAIN)")
    parser.add_argument("--base", help="the model's original kind of data (e.g. its training file), a "
                        "sample of which is mixed in so it does not forget it")
    parser.add_argument("-o", "--output", required=True, help="model file to write (e.g. tweets.pt)")
    parser.add_argument("--format", choices=("conll", "jsonl"), help="input format (default: by extension)")
    parser.add_argument("--epochs", type=int, help="maximum epochs (default: the recipe's)")
    parser.add_argument("--seed", type=int, default=13, help="random seed (default 13)")
    add_threads_option(parser)
    parser.set_defaults(run=run)


def check_output(output: Path, inputs: list[Path]) -> None:
    """Refuse, before any work, an output that cannot be written or would destroy an input."""
    if output.is_dir():
        raise NerStudioError(f"{output}: is a folder; give the model file to write, e.g. {output / 'model.pt'}")
    resolved = output.resolve()
    for path in inputs:
        if path.resolve() == resolved:
            raise NerStudioError(f"{output}: is also an input; write the fine-tuned model to another file")
    folder = resolved.parent
    if not folder.is_dir():
        raise NerStudioError(f"{output}: the folder {folder} does not exist")
    probe = folder / f".{resolved.name}.probe"
    try:
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as error:
        raise NerStudioError(f"{output}: cannot write in {folder} ({error.strerror})") from None


def labels_in(docs) -> set[str]:
    return {span.label for doc in docs for span in doc.spans}


def check_inputs(train, dev, model_labels: list[str], train_path: str, dev_path: str | None) -> None:
    """Bad data stops the command before any training, with what to do about it."""
    if not labels_in(train):
        raise NerStudioError(f"{train_path}: no annotated entities; fine-tuning learns from annotated sentences")
    if dev is not None:
        lacking = sorted(labels_in(dev) - set(model_labels) - labels_in(train))
        if lacking:
            raise NerStudioError(
                f"{dev_path}: label{'s' if len(lacking) > 1 else ''} {', '.join(lacking)} only in DEV: the model "
                f"does not know {'them' if len(lacking) > 1 else 'it'} and TRAIN has no examples to learn from")


def run(args: argparse.Namespace) -> int:
    from ner_studio.core.check_set import CHECK_SHARE, split_check
    from ner_studio.core.metrics import format_table
    from ner_studio.core.training_set import check_enough, count_sentences
    from ner_studio.model.checkpoint import load_checkpoint, save_checkpoint
    from ner_studio.model.finetune import FinetuneOptions, finetune

    from ner_studio.commands.train import EpochPrinter

    source = model_path(args.model)
    output = Path(args.output)
    inputs = [source, Path(args.train)] + [Path(p) for p in (args.dev, args.base) if p]
    check_output(output, inputs)
    apply_threads(args.threads)
    train = read_documents(args.train, args.format)
    dev = read_documents(args.dev, args.format) if args.dev else None
    base = read_documents(args.base, args.format) if args.base else []
    parent = load_checkpoint(source)
    check_inputs(train, dev, parent.labels, args.train, args.dev)
    options = FinetuneOptions(seed=args.seed, threads=args.threads)
    if args.epochs is not None:
        options.epochs = args.epochs
    if dev is None:
        train, dev = split_check(train)
        scored = f"the check share of {args.train} ({100 * CHECK_SHARE:.0f}% of its sentences, by content hash)"
        if not dev:
            raise NerStudioError(f"{args.train}: too few sentences to hold a check share out of "
                                 f"({count_sentences(train)}); add sentences or give --dev")
    else:
        scored = args.dev
    try:
        check_enough(count_sentences(train), options.min_sentences)
    except NerStudioError as error:
        raise NerStudioError(f"{args.train}: {error}") from None
    printer = EpochPrinter()
    try:
        result = finetune(parent, train, dev_docs=dev, base_docs=base, options=options, callback=printer)
    finally:
        printer.close()
    metadata = {**result.loaded.metadata, "parent": {"path": str(source)},
                "documents": [args.train] + ([args.base] if args.base else [])}
    save_checkpoint(output, result.loaded.model, result.loaded.vocabs, result.loaded.labels, result.loaded.scheme,
                    metadata)
    if result.new_labels:
        print(f"new labels: {', '.join(result.new_labels)}")
    print(f"scores on {scored}: {count_sentences(dev)} sentences not trained on")
    print(format_table(result.dev_scores))
    print(f"saved {output} (best epoch {result.training.best_epoch} of {result.training.epochs_run})")
    return 0
