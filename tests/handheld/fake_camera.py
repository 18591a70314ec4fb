"""A Y4M video of a barcode, for Chromium's fake camera (--use-file-for-fake-video-capture)."""
from __future__ import annotations

from pathlib import Path

import zxingcpp
from PIL import Image

WIDTH, HEIGHT = 640, 480


def barcode_video(text: str, path: Path, frames: int = 4) -> Path:
    """Write a few identical 640x480 grey frames holding ``text`` as a Code 128 barcode."""
    code = memoryview(zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.Code128).to_image(scale=2))
    barcode = Image.frombytes("L", (code.shape[1], code.shape[0]), bytes(code))
    barcode = barcode.resize((min(WIDTH - 40, barcode.width), 140), Image.NEAREST)
    frame = Image.new("L", (WIDTH, HEIGHT), 255)
    frame.paste(barcode, ((WIDTH - barcode.width) // 2, (HEIGHT - barcode.height) // 2))
    luma = frame.tobytes()
    chroma = bytes([128]) * (WIDTH // 2 * HEIGHT // 2)
    with open(path, "wb") as out:
        out.write(f"YUV4MPEG2 W{WIDTH} H{HEIGHT} F5:1 Ip A1:1 C420jpeg\n".encode())
        for _ in range(frames):
            out.write(b"FRAME\n" + luma + chroma + chroma)
    return path
