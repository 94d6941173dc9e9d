"""Writing frames (RGB arrays) to an MP4 or a GIF, offline, with PyAV.

PyAV was chosen over Qt Multimedia's recorder and imageio-ffmpeg: its wheels carry
FFmpeg's libraries (H.264 through libx264, GIF) for Linux, macOS and Windows, so
nothing is downloaded or looked up at run time, and frames go in as numpy arrays without
a subprocess or a pipe (imageio-ffmpeg drives an ffmpeg executable; Qt's recorder
records screens and cameras, not frames a program paints).

MP4 is H.264 in yuv420p (what every player and PowerPoint plays); both sides are made
even, as that format needs. A GIF has 256 colours: a fixed palette (a colour cube of
6 levels a channel, and 40 greys), so light basemap tones and the classification bar stay clean and
the same colour never flickers between frames.
"""

from __future__ import annotations

from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, cast

import numpy as np

if TYPE_CHECKING:
    import av

FORMATS = {".mp4": "libx264", ".gif": "gif"}


def _palette() -> np.ndarray:
    """256 colours as PyAV's pal8 frames take them: A, R, G, B bytes per colour (checked
    by decoding what was written: tests/test_animation.py)."""
    levels = np.arange(6) * 51
    r, g, b = np.meshgrid(levels, levels, levels, indexing="ij")
    cube = np.stack([r.ravel(), g.ravel(), b.ravel()], axis=1)
    grey = np.linspace(8, 248, 40).round().astype(int)
    rgb = np.concatenate([cube, np.stack([grey, grey, grey], axis=1)]).astype(np.uint8)
    argb = np.zeros((256, 4), np.uint8)
    argb[:, 0], argb[:, 1:] = 255, rgb
    return argb


PALETTE = _palette()
_GREY_LEVELS = PALETTE[216:, 1].astype(np.int16)


def to_palette(rgb: np.ndarray) -> np.ndarray:
    """Each pixel's index in :data:`PALETTE` (greys for near-grey pixels, else the cube)."""
    c = rgb.astype(np.int16)
    cube = (np.rint(c / 51).astype(np.int16) * np.array([36, 6, 1])).sum(axis=2)
    spread = c.max(axis=2) - c.min(axis=2)
    mean = c.mean(axis=2)
    grey = 216 + np.abs(mean[..., None] - _GREY_LEVELS).argmin(axis=2)
    return cast(np.ndarray, np.where(spread < 12, grey, cube).astype(np.uint8))


class VideoWriter:
    """``with VideoWriter(path, fps, width, height) as video: video.write(rgb)``.

    ``path`` ends in .mp4 or .gif; ``rgb`` is a (height, width, 3) uint8 array of that
    size. Leaving the block with an error removes the unfinished file."""

    def __init__(self, path: Path, fps: float, width: int, height: int) -> None:
        suffix = Path(path).suffix.lower()
        if suffix not in FORMATS:
            raise ValueError(f"an animation is written as .mp4 or .gif, not {suffix or path}")
        if fps <= 0 or fps > 60:
            raise ValueError(f"frames per second must be between 0 and 60, not {fps:g}")
        self.path = Path(path)
        self.gif = suffix == ".gif"
        self.width, self.height = (width, height) if self.gif else (width // 2 * 2, height // 2 * 2)
        self.fps = fps
        self.frames = 0
        self._container: av.container.OutputContainer | None = None
        self._stream: av.VideoStream | None = None

    def __enter__(self) -> VideoWriter:
        from fractions import Fraction

        import av

        container = av.open(str(self.path), "w")
        stream = cast(
            av.VideoStream,
            container.add_stream(
                FORMATS[self.path.suffix.lower()], rate=Fraction(self.fps).limit_denominator(1000)
            ),
        )
        stream.width, stream.height = self.width, self.height
        stream.pix_fmt = "pal8" if self.gif else "yuv420p"
        if not self.gif:
            stream.options = {"crf": "20", "preset": "medium"}
        self._container, self._stream = container, stream
        return self

    def write(self, rgb: np.ndarray) -> None:
        import av

        frame_rgb = np.ascontiguousarray(rgb[: self.height, : self.width, :3])
        if frame_rgb.shape[:2] != (self.height, self.width):
            raise ValueError(
                f"a frame of {frame_rgb.shape[1]}x{frame_rgb.shape[0]} in a "
                f"{self.width}x{self.height} video"
            )
        assert self._stream is not None and self._container is not None, "not entered"
        pixels: Any = (to_palette(frame_rgb), PALETTE) if self.gif else frame_rgb
        frame = av.VideoFrame.from_ndarray(pixels, format="pal8" if self.gif else "rgb24")
        for packet in self._stream.encode(frame):
            self._container.mux(packet)
        self.frames += 1

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        container, self._container = self._container, None
        if container is None:
            return
        try:
            if kind is None and self._stream is not None:
                for packet in self._stream.encode():
                    container.mux(packet)
        finally:
            container.close()
            if kind is not None or self.frames == 0:
                self.path.unlink(missing_ok=True)
