"""Fuzzing the model-side readers: model files and word vectors (issue 12)."""

from __future__ import annotations

import io
import zipfile

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ner_studio.core.errors import NerStudioError
from ner_studio.model.checkpoint import load_checkpoint
from ner_studio.model.vectors import read_vectors

FUZZ = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def zip_of(members: dict[str, bytes]) -> bytes:
    """A zip archive like the ones torch.save writes, with random members."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(f"archive/{name}", data)
    return buffer.getvalue()


@FUZZ
@given(data=st.one_of(
    st.binary(max_size=300),
    st.dictionaries(st.sampled_from(["data.pkl", "version", "byteorder", "data/0"]), st.binary(max_size=60),
                    max_size=4).map(zip_of),
))
def test_random_model_files(tmp_path, data):
    path = tmp_path / "fuzz.pt"
    path.write_bytes(data)
    try:
        load_checkpoint(path)
    except NerStudioError as error:
        assert "fuzz.pt" in str(error)


@FUZZ
@given(data=st.one_of(
    st.binary(max_size=300),
    st.lists(st.lists(st.one_of(st.text(max_size=5), st.floats().map(str)), max_size=4), max_size=6)
    .map(lambda rows: "\n".join(" ".join(row) for row in rows).encode("utf-8", "surrogatepass")),
))
def test_random_vectors_files(tmp_path, data):
    path = tmp_path / "vectors.txt"
    path.write_bytes(data)
    try:
        read_vectors(path)
    except NerStudioError as error:
        assert "vectors.txt" in str(error)
