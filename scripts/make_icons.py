"""Draw the app icon and write resources/icons/ner-studio.{png,ico,icns}.

Run once after changing the design (the outputs are committed, so builds never need this):

    .venv/bin/python scripts/make_icons.py

Qt (already a dependency) paints the picture; the .ico and .icns containers are written here
with PNG-compressed entries, which Windows (Vista and later) and macOS (10.7 and later) read,
so no Pillow or platform tool is needed and the files stay small.
"""

from __future__ import annotations

import struct
import sys
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF, Qt
from PySide6.QtGui import QColor, QImage, QLinearGradient, QPainter

ICON_DIR = Path(__file__).resolve().parent.parent / "resources" / "icons"
PNG_SIZE = 256
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
# ICNS entry types holding PNG data, by pixel size.
ICNS_TYPES = {16: b"icp4", 32: b"icp5", 64: b"icp6", 128: b"ic07", 256: b"ic08", 512: b"ic09"}

BACKGROUND_TOP, BACKGROUND_BOTTOM = "#1e3a8a", "#2563eb"  # the theme's highlight blue
TEXT_LINE = "#e5e7eb"
# Three "lines of text" on a 512 grid: (x, width, colour or None for plain text); entity
# colours are the first label colours of core/text/labels.py, so the icon looks like the app.
LINES = (
    ((96, 120, None), (232, 184, "#ff9561")),
    ((96, 200, "#aa9cfc"), (312, 104, None)),
    ((96, 72, None), (184, 232, "#7aecec")),
)
LINE_Y, LINE_HEIGHT, LINE_STEP = 144, 56, 84  # three lines centred: (512 - 224) / 2


def paint_icon(size: int) -> QImage:
    """The icon at ``size`` pixels, drawn on a 512-unit canvas so every size has the same shape."""
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.scale(size / 512, size / 512)
    painter.setPen(Qt.PenStyle.NoPen)
    gradient = QLinearGradient(0, 32, 0, 480)
    gradient.setColorAt(0, QColor(BACKGROUND_TOP))
    gradient.setColorAt(1, QColor(BACKGROUND_BOTTOM))
    painter.setBrush(gradient)
    painter.drawRoundedRect(QRectF(32, 32, 448, 448), 96, 96)
    for row, pieces in enumerate(LINES):
        y = LINE_Y + row * LINE_STEP
        for x, width, colour in pieces:
            painter.setBrush(QColor(colour or TEXT_LINE))
            height = LINE_HEIGHT if colour else LINE_HEIGHT * 0.55
            painter.drawRoundedRect(QRectF(x, y + (LINE_HEIGHT - height) / 2, width, height), 14, 14)
    painter.end()
    return image


def png_bytes(image: QImage) -> bytes:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, "PNG"):
        raise RuntimeError("Qt could not encode a PNG")
    return bytes(data.data())


def ico_bytes(pngs: dict[int, bytes]) -> bytes:
    """An ICO file whose entries are PNG images (ICONDIR, ICONDIRENTRY..., data)."""
    header = struct.pack("<HHH", 0, 1, len(pngs))
    offset = len(header) + 16 * len(pngs)
    entries, blobs = [], []
    for size, data in sorted(pngs.items()):
        side = 0 if size >= 256 else size  # 0 means 256 in the ICO format
        entries.append(struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(data), offset))
        blobs.append(data)
        offset += len(data)
    return header + b"".join(entries) + b"".join(blobs)


def icns_bytes(pngs: dict[int, bytes]) -> bytes:
    """An ICNS file: 'icns' + total length, then (type, length, PNG data) entries."""
    body = b"".join(ICNS_TYPES[size] + struct.pack(">I", 8 + len(data)) + data for size, data in sorted(pngs.items()))
    return b"icns" + struct.pack(">I", 8 + len(body)) + body


def main() -> int:
    ICON_DIR.mkdir(parents=True, exist_ok=True)
    sizes = sorted(set(ICO_SIZES) | set(ICNS_TYPES) | {PNG_SIZE})
    pngs = {size: png_bytes(paint_icon(size)) for size in sizes}
    outputs = {
        "ner-studio.png": pngs[PNG_SIZE],
        "ner-studio.ico": ico_bytes({s: pngs[s] for s in ICO_SIZES}),
        "ner-studio.icns": icns_bytes({s: pngs[s] for s in ICNS_TYPES}),
    }
    for name, data in outputs.items():
        (ICON_DIR / name).write_bytes(data)
        print(f"{ICON_DIR / name}: {len(data)} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
