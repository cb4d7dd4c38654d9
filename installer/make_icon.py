"""Draw the app icon (an archive box with a check mark) as PNG and ICO; run once and commit
the output (installer/retention-desk.png and .ico). Needs Pillow (a reportlab dependency)."""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

HERE = Path(__file__).resolve().parent
SIZE = 256
BLUE = (31, 78, 121, 255)
LID = (22, 58, 92, 255)
PAPER = (246, 241, 228, 255)
GREEN = (46, 139, 87, 255)


def draw(size: int = SIZE) -> Image.Image:
    s = size / 256
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    d = ImageDraw.Draw(image)

    def box(x0: float, y0: float, x1: float, y1: float) -> tuple[float, float, float, float]:
        return (x0 * s, y0 * s, x1 * s, y1 * s)

    d.rounded_rectangle(box(28, 92, 228, 236), radius=18 * s, fill=BLUE)  # the box
    d.rounded_rectangle(box(16, 60, 240, 104), radius=14 * s, fill=LID)  # its lid
    d.rounded_rectangle(box(96, 122, 160, 146), radius=8 * s, fill=PAPER)  # the label
    d.line(  # the check mark: records kept intact
        [(84 * s, 186 * s), (116 * s, 214 * s), (176 * s, 156 * s)],
        fill=GREEN,
        width=max(2, int(18 * s)),
        joint="curve",
    )
    return image


def main() -> None:
    image = draw()
    image.save(HERE / "retention-desk.png")
    image.save(HERE / "retention-desk.ico", sizes=[(16, 16), (32, 32), (48, 48), (256, 256)])


if __name__ == "__main__":
    main()
