"""``ner-studio --self-test``: prove an installed (or frozen) NER Studio works, in seconds.

Steps, one line of output each, stopping at the first failure:

* ``window``  — the main window opens (offscreen unless ``QT_QPA_PLATFORM`` says otherwise) on
  a fresh first start, is exposed (the line carries the wall-clock time, for start-up
  benchmarks) and tags the sample document in the background as the app does for newcomers.
* ``folders`` — user data, settings and trained model versions resolve to per-user folders
  outside the install folder.
* ``model``   — the bundled default model loads.
* ``tagging`` — the bundled sample document gets entities.
* ``conll``   — the tagged sample, written as CoNLL to a temporary folder and read back, has
  the same words and tags.
* ``formats`` — one Word, HTML, Markdown and PDF file each, made on the spot, open with their
  text, their source and Punkt's sentence boundaries ("Dr.", "Inc.", "U.S." inside one).
* ``training process`` — the fine-tune's child process starts and imports torch.
* ``network`` — nothing tried to connect anywhere (Python sockets refuse during the run).

Data and settings go to throw-away folders, so the user's projects are never touched. An
error dialog or a hang fails the run instead of waiting for a click. Exit status 0 when every
step passes, 1 otherwise, with the step and the reason on stderr.
"""

from __future__ import annotations

import logging
import os
import socket
import sys
import tempfile
import threading
import time
from pathlib import Path

from ner_studio.resources import bundled_model_location, bundled_model_path, resource_path

WINDOW_TIMEOUT_S = 30.0  # the window's own tagging loads torch and the model first
WATCHDOG_S = 180.0
# The sample names a dozen people, places and organisations: a working model finds several.
MIN_SAMPLE_ENTITIES = 3


class SelfTestFailure(Exception):
    """A step did not pass; the message says what was expected."""


def refuse_network() -> list[str]:
    """Make Python sockets fail to connect or resolve names; returns the growing list of attempts."""
    attempts: list[str] = []

    def refuse(*args, **_kwargs):
        attempts.append(repr(args[1:] if args and isinstance(args[0], socket.socket) else args)[:120])
        raise OSError("NER Studio self-test: network access is not allowed")

    socket.socket.connect = refuse
    socket.socket.connect_ex = refuse
    socket.getaddrinfo = refuse
    socket.create_connection = refuse
    return attempts


def install_folder() -> Path:
    """The folder the app runs from: the frozen bundle's, or the source checkout."""
    if getattr(sys, "frozen", False):
        return Path(sys.executable).resolve().parent
    return Path(__file__).resolve().parent.parent


def _wait_until(app, condition, timeout: float, what: str) -> None:
    from PySide6.QtCore import QEventLoop

    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise SelfTestFailure(f"{what} did not happen within {timeout:.0f} s")
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)


def check_window() -> str:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QMessageBox

    from ner_studio.gui.app import application, create_main_window

    app = application()
    dialogs: list[str] = []

    def record_dialog(box: QMessageBox) -> int:  # a modal dialog would wait for a click forever
        dialogs.append(f"{box.windowTitle()}: {box.text()}")
        return int(QMessageBox.StandardButton.Ok.value)

    QMessageBox.exec = record_dialog
    window = create_main_window([])
    if window is None:
        raise SelfTestFailure(f"no main window; the app said: {'; '.join(dialogs) or 'nothing'}")
    handle = window.windowHandle
    _wait_until(app, lambda: handle() is not None and handle().isExposed(), WINDOW_TIMEOUT_S, "showing the window")
    exposed_at = time.time()
    _wait_until(app, lambda: not window.workspace.is_predicting(), WINDOW_TIMEOUT_S, "tagging the sample in the window")
    entities = len(window.doc.spans) if window.doc is not None else 0
    has_model = window.model.available
    title = window.windowTitle()
    window.close()  # stops the window's workers and closes its project
    app.processEvents()
    if dialogs:
        raise SelfTestFailure(f"the app showed an error: {'; '.join(dialogs)}")
    if not has_model:
        raise SelfTestFailure("the window started without a model: the bundled model is missing or torch cannot load")
    if entities < MIN_SAMPLE_ENTITIES:
        raise SelfTestFailure(f"the sample shown in the window has {entities} entities; expected at least {MIN_SAMPLE_ENTITIES}")
    return f"'{title}' exposed at {exposed_at:.3f} (unix time); sample tagged there with {entities} entities"


def check_folders() -> str:
    from ner_studio.core import locations
    from ner_studio.model.versions import models_dir

    install = install_folder()
    # The folders a real start would use, not the run's throw-away ones.
    saved = {k: os.environ.pop(k, None) for k in ("NER_STUDIO_DATA_DIR", "NER_STUDIO_CONFIG_DIR")}
    try:
        folders = {"data": locations.user_data_dir(), "settings": locations.user_config_dir(),
                   "model versions": models_dir()}
    finally:
        os.environ.update({k: v for k, v in saved.items() if v is not None})
    for what, folder in folders.items():
        if folder.resolve().is_relative_to(install):
            raise SelfTestFailure(f"the {what} folder {folder} is inside the install folder {install}")
    return ", ".join(f"{what} in {folder}" for what, folder in folders.items())


def load_model():
    from ner_studio.model.predict import TorchPredictor

    path = bundled_model_path()
    if path is None:
        raise SelfTestFailure(f"the bundled model {bundled_model_location()} is missing")
    started = time.perf_counter()
    tagger = TorchPredictor.load(path)
    return tagger, f"{path.name} ({', '.join(tagger.labels)}) loaded in {time.perf_counter() - started:.2f} s"


def tag_sample(tagger):
    from ner_studio.core.formats import read_documents

    docs = read_documents(resource_path("samples", "sample.txt"))
    for doc, prediction in zip(docs, tagger.predict_documents(docs)):
        doc.replace_model_spans(prediction.spans)
    found = sum(len(doc.spans) for doc in docs)
    if found < MIN_SAMPLE_ENTITIES:
        raise SelfTestFailure(f"the model found {found} entities in the sample; expected at least {MIN_SAMPLE_ENTITIES}")
    labels = sorted({span.label for doc in docs for span in doc.spans})
    return docs, f"{found} entities ({', '.join(labels)}) in {sum(len(d.tokens) for d in docs)} tokens"


def check_conll_round_trip(docs, folder: Path) -> str:
    from ner_studio.core.formats import read_documents, write_documents
    from ner_studio.core.text.tags import document_tags

    path = folder / "sample.conll"
    write_documents(docs, path)
    read_back = read_documents(path)
    if len(read_back) != len(docs):
        raise SelfTestFailure(f"{path} holds {len(read_back)} documents; {len(docs)} were written")
    for original, copy in zip(docs, read_back):
        words = [original.token_text(i) for i in range(len(original.tokens))]
        if [copy.token_text(i) for i in range(len(copy.tokens))] != words:
            raise SelfTestFailure(f"the words read back from {path} differ from those written")
        if document_tags(copy) != document_tags(original):
            raise SelfTestFailure(f"the tags read back from {path} differ from those written")
    return f"wrote and re-read {path.stat().st_size} bytes; words and tags identical"


def check_rich_formats(folder: Path) -> str:
    from ner_studio.core.formats import read_documents
    from ner_studio.core.formats.samples import SAMPLE_SENTENCES, sample_files

    opened = []
    for name, data in sample_files().items():
        path = folder / name
        path.write_bytes(data)
        (doc,) = read_documents(path)
        fmt = doc.meta.get("source", {}).get("format")
        if fmt != path.suffix[1:]:
            raise SelfTestFailure(f"{name} was read as {fmt!r}")
        sentences = {doc.text[doc.tokens[s.start].start : doc.tokens[s.end - 1].end] for s in doc.sentences}
        missing = [s for s in SAMPLE_SENTENCES if not any(found.endswith(s) for found in sentences)]
        if missing:
            raise SelfTestFailure(f"{name}: the sentence {missing[0]!r} was not found whole")
        opened.append(f"{path.suffix} ({len(doc.tokens)} tokens)")
    return f"opened {', '.join(opened)}; sentences whole"


def check_training_process() -> str:
    """Fine-tuning runs in a child process (gui/learning/training_process.py): it starts (the
    packaged app runs itself, ``freeze_support`` in ``__main__``) and imports torch there."""
    from ner_studio.gui.learning.training_process import probe, run_in_child

    return run_in_child(probe, None, lambda _: None, lambda: False, what="self-test")


def _start_watchdog() -> None:
    """A hang (a dialog Qt shows itself, a stuck worker) must fail the run, not block CI."""

    def expire() -> None:
        print(f"NER Studio self-test FAILED: no result after {WATCHDOG_S:.0f} s", file=sys.stderr, flush=True)
        os._exit(1)

    timer = threading.Timer(WATCHDOG_S, expire)
    timer.daemon = True
    timer.start()


def run_steps(scratch: Path, attempts: list[str], state: dict) -> None:
    """Run the steps in order; ``state["step"]`` names the one running, for the error message."""

    def begin(name: str) -> None:
        state["step"] = name

    def passed(line: str) -> None:
        print(f"  ok  {state['step']}: {line}", flush=True)

    begin("window")
    passed(check_window())
    begin("folders")
    passed(check_folders())
    begin("model")
    tagger, line = load_model()
    passed(line)
    begin("tagging")
    docs, line = tag_sample(tagger)
    passed(line)
    begin("conll")
    passed(check_conll_round_trip(docs, scratch))
    begin("formats")
    passed(check_rich_formats(scratch))
    begin("training process")
    passed(check_training_process())
    begin("network")
    if attempts:
        raise SelfTestFailure(f"something tried to use the network: {'; '.join(attempts)}")
    passed("no connection attempted")


def run_self_test(argv: list[str] | None = None) -> int:
    """Run every step; 0 when all pass, 1 (with the reason on stderr) otherwise."""
    if argv:
        print(f"ner-studio --self-test takes no arguments (got {' '.join(argv)})", file=sys.stderr)
        return 2
    from ner_studio import __version__

    mode = "frozen" if getattr(sys, "frozen", False) else "source"
    print(f"NER Studio {__version__} self-test ({mode}; resources in {resource_path()})", flush=True)
    _start_watchdog()
    attempts = refuse_network()
    with tempfile.TemporaryDirectory(prefix="ner-studio-self-test-") as scratch:
        os.environ["NER_STUDIO_DATA_DIR"] = str(Path(scratch, "data"))
        os.environ["NER_STUDIO_CONFIG_DIR"] = str(Path(scratch, "config"))
        state = {"step": "start"}
        try:
            run_steps(Path(scratch), attempts, state)
        except Exception as error:  # noqa: BLE001 - any failure must become a message and exit 1
            if not isinstance(error, SelfTestFailure):
                from ner_studio.core.logs import log_failure

                log_failure(logging.getLogger(__name__), f"self-test step {state['step']}", error)
            kind = "" if isinstance(error, SelfTestFailure) else f"{type(error).__name__}: "
            print(f"NER Studio self-test FAILED at step '{state['step']}': {kind}{error}", file=sys.stderr)
            return 1
    print("self-test passed", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(run_self_test(sys.argv[1:]))
