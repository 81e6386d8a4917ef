"""``ner-studio finetune MODEL TRAIN [--dev DEV] [--base BASE] -o OUT``: the app's fine-tuning
recipe, headless, and the scores on the sentences it did not train on."""

from __future__ import annotations

import argparse
import logging
from collections.abc import Iterator

from ner_studio.commands.model_options import (
    add_format_option,
    add_model_arguments,
    add_model_output,
    add_seed_option,
    add_threads_option,
    apply_threads,
    model_path,
)
from ner_studio.commands.outputs import (
    add_force_option,
    checked_output,
    save_reporting_fallback,
)
from ner_studio.core.errors import NerStudioError
from ner_studio.core.formats import read_documents
from ner_studio.core.plural import plural

log = logging.getLogger(__name__)


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
    add_model_output(parser, "tweets.pt")
    add_format_option(parser)
    parser.add_argument("--epochs", type=int, help="maximum epochs (default: the recipe's)")
    parser.add_argument("--no-text-vectors", dest="text_vectors", action="store_false", help="start new words "
                        "as unknown words rather than from co-occurrence vectors of the project's text (TRAIN, "
                        "DEV, --text files) and BASE, as the recipe does by default")
    parser.add_argument("--text", action="append", default=[], metavar="FILE", help="more of the project's "
                        "documents, annotated or not, in any format ner-studio reads (repeatable): their words "
                        "join the model with a vector")
    parser.add_argument("--self-train", type=float, default=0.0, metavar="P", help="also learn, in a second "
                        "fine-tune kept only if it scores higher on the held-out sentences, the sentences of the "
                        "--text files not in TRAIN or DEV that the new model tags with an entity and a probability "
                        ">= P (0 < P <= 1, e.g. 0.9; default: off)")
    parser.add_argument("--char-lm", metavar="FILE", help="a character language model (scripts/build_char_lm.py) "
                        "whose contextual word features the tagger reads too, starting from zero weights; the "
                        "result needs it at tagging time and carries it (default: none, or the model's own)")
    add_seed_option(parser)
    add_threads_option(parser)
    add_force_option(parser)
    parser.set_defaults(run=run)


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


def unscored(docs, check) -> Iterator[list[str]]:
    """The sentences of ``docs`` that are none of ``check``'s: the check share scores the result, so
    neither the vectors nor self-training may read it (a --text file may hold TRAIN again)."""
    from ner_studio.model.finetune import sentence_words

    scored = {tuple(words) for words in sentence_words(check or [])}
    return (words for words in sentence_words(docs) if tuple(words) not in scored)


def run(args: argparse.Namespace) -> int:
    from ner_studio.commands.train import EpochPrinter
    from ner_studio.core.learning.check_set import CHECK_SHARE, split_check
    from ner_studio.core.learning.metrics import format_table
    from ner_studio.core.learning.training_set import check_enough, count_sentences
    from ner_studio.model.checkpoint import load_checkpoint, save_checkpoint
    from ner_studio.model.finetune import FinetuneOptions, finetune
    from ner_studio.model.versions import check_scores

    if not 0.0 <= args.self_train <= 1.0:
        raise NerStudioError(f"--self-train {args.self_train}: a probability between 0 and 1 (e.g. 0.9), or 0 for off")
    if args.self_train and not args.text:
        raise NerStudioError("--self-train learns from the sentences of --text files not in TRAIN: give --text FILE")
    if args.text and not args.text_vectors and not args.self_train:
        raise NerStudioError("--text is read only for the text vectors and --self-train: drop --text or "
                             "--no-text-vectors")
    source = model_path(args.model)
    output = checked_output(args, args.output, "model",
                            inputs=[source, args.train, args.dev, args.base, *args.text, args.char_lm])
    apply_threads(args.threads)
    train = read_documents(args.train, args.format)
    dev = read_documents(args.dev, args.format) if args.dev else None
    base = read_documents(args.base, args.format) if args.base else []
    text = [doc for path in args.text for doc in read_documents(path)]
    parent = load_checkpoint(source)
    if args.char_lm:
        from ner_studio.model.char_lm import load_char_lm

        load_char_lm(args.char_lm)  # a bad file is one clear line now, not after the data is read and encoded
    check_inputs(train, dev, parent.labels, args.train, args.dev)
    options = FinetuneOptions(seed=args.seed, threads=args.threads, text_vectors=args.text_vectors,
                              self_train=args.self_train, char_lm=args.char_lm or "")
    if args.epochs is not None:
        options.epochs = args.epochs
    check = None
    if dev is None:
        # As the app does: the check share is never trained on nor used to stop early (a part of
        # the rest is held out for that); it only scores the result.
        train, check = split_check(train)
        scored = f"the check share of {args.train} ({100 * CHECK_SHARE:.0f}% of its sentences, by content hash)"
        if not check:
            raise NerStudioError(f"{args.train}: too few sentences to hold a check share out of "
                                 f"({count_sentences(train)}); add sentences or give --dev")
    else:
        scored = args.dev
    # The project's text for the vectors and self-training: never the check share it is scored on.
    project_text = train + (dev or []) + text
    try:
        check_enough(count_sentences(train), options.min_sentences)
    except NerStudioError as error:
        raise NerStudioError(f"{args.train}: {error}") from None
    log.info("training started: fine-tuning %s on %d sentences of %s, at most %d epochs", source.name,
             count_sentences(train), args.train, options.epochs)
    printer = EpochPrinter()
    try:
        result = finetune(parent, train, dev_docs=dev, base_docs=base, text=unscored(project_text, check), options=options,
                          callback=printer)
    finally:
        printer.close()
    metadata = {**result.loaded.metadata, "parent": {"path": str(source)},
                "documents": [args.train] + ([args.base] if args.base else []) + args.text}
    loaded = result.loaded
    saved = save_reporting_fallback(output, lambda path: save_checkpoint(
        path, loaded.model, loaded.vocabs, loaded.labels, loaded.scheme, metadata))
    if result.new_labels:
        print(f"new labels: {', '.join(result.new_labels)}")
    scores = result.dev_scores if check is None else check_scores(saved, check)
    print(f"scores on {scored}: {plural(count_sentences(check or dev), 'sentence')} not trained on")
    print(format_table(scores))
    if result.loaded.metadata.get("text_vectors"):
        report = result.loaded.metadata["text_vectors"]
        print(f"text vectors: {plural(report['vectors'], 'word')}, {plural(report['seeded'], 'new word')} started from them")
    report = result.loaded.metadata.get("char_lm")
    if report:
        print(f"character language model: {report['features']} features per word, from {report['from']}")
    report = result.loaded.metadata.get("self_training")
    if report:
        verdict = "kept" if report["kept"] else "not kept: the first model scored as high on the held-out sentences"
        print(f"self-training: {plural(report['pseudo_labelled'], 'sentence')} of {report['unlabelled_sentences']} "
              f"unlabelled pseudo-labelled, {verdict}")
    print(f"saved {saved} (best epoch {result.training.best_epoch} of {result.training.epochs_run})")
    log.info("training ended: saved %s, best epoch %d of %d, F1 %.1f on %s", saved, result.training.best_epoch,
             result.training.epochs_run, 100 * scores.overall.f1, scored)
    return 0
