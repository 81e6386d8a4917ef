"""How long does the UI freeze while a model fine-tunes in the background?

    QT_QPA_PLATFORM=offscreen python benchmarks/training_ui_stall.py [--sentences 800] [--epochs 2]
        [--model resources/models/default.pt] [--probe-ms 5] [--background]

Runs a real fine-tuning run exactly as the Train action does (``TaskWorker`` + ``run_training``
in a child process; ``--in-thread``: in a thread of this process, as before 2026-12-07,
torch capped to all cores but one, progress drawn live in a ``TrainingPanel``) on the first N
CoNLL-2003 training sentences, while a QTimer fires every ``--probe-ms`` on the UI thread. The
longest gap between two timer ticks, minus the interval, is the longest the event loop could
not react (``--background``: as a continuous-learning round runs). Target: no stall over 100 ms. Starts from the bundled model if there is one, else
from an untrained network of the same size (the same work per batch). torch is imported before
the probe starts, as it is in the app once anything was tagged. Needs
`ner-studio data fetch conll2003`; ``--synthetic`` instead trains on news-like generated text
tagged by the parent model (``gui_big_document.big_text``: the same work per sentence, no
download), as ``ui_stalls.py``'s fine-tune does.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import torch  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from ner_studio.core.datasets.fetch import corpus_files  # noqa: E402
from ner_studio.core.formats import read_documents  # noqa: E402
from ner_studio.gui.learning.learning_jobs import TrainingRequest, training_task, training_threads  # noqa: E402
from ner_studio.gui.shell.qt_task_worker import TaskWorker  # noqa: E402
from ner_studio.gui.learning.qt_training_panel import TrainingPanel  # noqa: E402
from ner_studio.model.checkpoint import save_checkpoint  # noqa: E402
from ner_studio.model.interface import FinetuneOptions  # noqa: E402
from ner_studio.model.network import BiLSTMNetwork, NetworkConfig  # noqa: E402
from ner_studio.model.vocab import Vocabularies  # noqa: E402
from ner_studio.model.workflow import MODEL_SCHEME, examples_from_documents, entity_labels  # noqa: E402
from ner_studio.resources import bundled_model_path  # noqa: E402

from event_loop_probe import STALL_TARGET_MS, EventLoopProbe  # noqa: E402 - sibling scripts in benchmarks/
from training_speed import first_sentences  # noqa: E402


def untrained_parent(docs, folder: Path) -> Path:
    """A default-sized network that has learned nothing, as a stand-in for the bundled model."""
    examples = examples_from_documents(docs)
    labels = entity_labels([t for seq in examples.tags for t in seq])
    tags = ["O", *(f"{p}-{label}" for label in labels for p in "BIES")]
    vocabs = Vocabularies.build(examples.words, [tags])
    model = BiLSTMNetwork(NetworkConfig(len(vocabs.words), len(vocabs.chars), len(vocabs.tags)), tags, MODEL_SCHEME)
    path = folder / "untrained.pt"
    save_checkpoint(path, model, vocabs, labels, MODEL_SCHEME, {})
    return path


def synthetic_documents(model: Path, sentences: int) -> list:
    """Reviewed documents of generated news-like text, tagged by ``model`` (about ``sentences``)."""
    from gui_big_document import big_text

    from ner_studio.core.text.document import Document, Status
    from ner_studio.gui.shell.tagging_jobs import ModelHandle, prediction_job

    docs, total, seed = [], 0, 100
    while total < sentences:
        doc = Document.from_text(big_text(4000, seed=seed), name=f"generated {seed}")
        docs.append(doc)
        total += len(doc.sentences)
        seed += 1
    for tagged in prediction_job(ModelHandle(model), docs)(lambda *_: None, lambda: False):
        if tagged.final:
            tagged.doc.set_spans([span.accepted() for span in tagged.spans])  # reviewed: accepted
    for doc in docs:
        doc.status = Status.REVIEWED
    return docs


def measure_run(app, request: TrainingRequest, panel: TrainingPanel, probe_ms: int) -> dict:
    """One training run in a worker while a QTimer probes the event loop; the gaps (ms)."""
    panel.started("benchmark", request.options.epochs)
    probe = EventLoopProbe(probe_ms)
    worker = TaskWorker(training_task(request), "train")
    outcome: dict = {}
    worker.progress.connect(panel.show_progress)  # a QObject's slot: queued to the UI thread
    worker.succeeded.connect(lambda saved: outcome.update(saved=saved))
    worker.failed.connect(lambda error: outcome.update(error=error))
    worker.finished.connect(app.quit)
    probe.start()
    started, cpu = time.perf_counter(), time.thread_time()
    worker.start()
    app.exec()
    outcome["seconds"] = time.perf_counter() - started
    outcome["ui_cpu"] = time.thread_time() - cpu  # the UI thread's own CPU time
    probe.stop()
    outcome["gaps"] = sorted(probe.gaps_ms())
    return outcome


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sentences", type=int, default=800)
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--runs", type=int, default=2, help="the first run also pays torch's lazy imports")
    parser.add_argument("--model", type=Path, help="parent model (default: the bundled one, if any)")
    parser.add_argument("--probe-ms", type=int, default=5)
    parser.add_argument("--background", action="store_true",
                        help="run as a continuous-learning round does: one torch thread, at low priority")
    parser.add_argument("--in-thread", action="store_true",
                        help="fine-tune in a thread of this process (the CLI's way; the app's before 2026-12-07) "
                             "instead of a child process as the app does")
    parser.add_argument("--synthetic", action="store_true",
                        help="generated text tagged by the parent model instead of CoNLL-2003 (no download)")
    args = parser.parse_args()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    if args.synthetic:
        docs, sentences = first_sentences(synthetic_documents(args.model or bundled_model_path(), args.sentences),
                                          args.sentences)
    else:
        docs, sentences = first_sentences(read_documents(corpus_files("conll2003")["train"], "conll"), args.sentences)
    worst = 0.0
    with tempfile.TemporaryDirectory(prefix="ner-stall-") as temporary:
        folder = Path(temporary)
        parent = args.model or bundled_model_path() or untrained_parent(docs, folder)
        request = TrainingRequest(parent, None, docs, [d.name for d in docs],
                                  options=FinetuneOptions(epochs=args.epochs, patience=args.epochs, min_sentences=1,
                                                          threads=1 if args.background else None),
                                  models_folder=folder, background=args.background, in_child=not args.in_thread)
        panel = TrainingPanel()
        panel.resize(700, 360)
        panel.show()
        print(f"parent: {parent.name}; {sentences} sentences x {args.epochs} epochs per run; torch threads "
              f"{1 if args.background else training_threads()} of {os.cpu_count()} cores"
              f"{', a loop round at low priority' if args.background else ''}"
              f"{'; in a thread' if args.in_thread else '; in a child process'}; torch {torch.__version__}; probe every "
              f"{args.probe_ms} ms")
        for run in range(1, args.runs + 1):
            outcome = measure_run(app, request, panel, args.probe_ms)
            if "error" in outcome:
                print(f"run {run}: training failed: {outcome['error']}")
                return 1
            gaps = outcome["gaps"]
            stalls = [g - args.probe_ms for g in gaps]
            over = sum(1 for s in stalls if s > STALL_TARGET_MS)
            worst = max(worst, stalls[-1]) if run > 1 or args.runs == 1 else worst
            print(f"run {run} ({'cold: first training in this process' if run == 1 else 'warm'}): "
                  f"{outcome['seconds']:.1f} s ({sentences * args.epochs / outcome['seconds']:.0f} sentences/s "
                  f"incl. dev passes); {len(gaps) + 1} ticks, gap median {gaps[len(gaps) // 2]:.1f} ms, "
                  f"p99 {gaps[int(0.99 * (len(gaps) - 1))]:.1f} ms; longest stall {stalls[-1]:.1f} ms "
                  f"(target <= {STALL_TARGET_MS}); stalls over target: {over}; UI thread CPU {outcome['ui_cpu']:.2f} s; "
                  f"load average {os.getloadavg()[0]:.1f}")
    return 0 if worst <= STALL_TARGET_MS else 2


if __name__ == "__main__":
    sys.exit(main())
