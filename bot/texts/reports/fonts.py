"""Find a font with Chinese glyphs for the charts: the system's first, the packaged one after.

Order: (1) a font fontconfig lists for ``:lang=zh`` (e.g. Debian's fonts-noto-cjk or
fonts-wqy-microhei); (2) a CJK family matplotlib's font manager already knows; (3) the
Noto Sans SC that the ``pylopdf-fonts-zh-cn`` dependency ships (SIL OFL 1.1); (4) any
``*.otf``/``*.ttf``/``*.ttc`` under ``bot/data/fonts/``. Found once per process.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
import threading
from dataclasses import dataclass
from pathlib import Path

from matplotlib import font_manager

log = logging.getLogger(__name__)

KNOWN_FAMILIES = (
    "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Source Han Sans CN",
    "WenQuanYi Micro Hei", "WenQuanYi Zen Hei", "Microsoft YaHei", "SimHei", "PingFang SC",
    "Heiti SC", "Noto Sans CJK JP", "Noto Sans CJK TC", "AR PL UMing CN", "Droid Sans Fallback",
)
PACKAGED_DIR = Path(__file__).resolve().parents[2] / "data" / "fonts"

_lock = threading.Lock()
_found: CjkFont | None = None


class NoCjkFontError(RuntimeError):
    pass


@dataclass(frozen=True)
class CjkFont:
    path: Path
    family: str
    source: str  # "fontconfig", "matplotlib", "package", "bundled"


def _fontconfig() -> list[Path]:
    exe = shutil.which("fc-list")
    if not exe:
        return []
    try:
        out = subprocess.run([exe, ":lang=zh", "file"], capture_output=True, text=True,
                             timeout=10, check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    paths = [Path(line.split(":")[0].strip()) for line in out.splitlines() if line.strip()]
    # Prefer the known Simplified Chinese sans faces, then anything else that has zh.
    def rank(p: Path) -> tuple[int, str]:
        name = p.name.lower()
        for i, key in enumerate(("notosanscjk", "notosanssc", "sourcehansans", "wqy-microhei",
                                 "wqy-zenhei")):
            if key in name:
                return i, name
        return 99, name
    return sorted((p for p in paths if p.suffix.lower() in {".ttf", ".otf", ".ttc"}
                   and p.is_file()), key=rank)


def _matplotlib_known() -> list[Path]:
    by_name = {f.name: Path(f.fname) for f in font_manager.fontManager.ttflist}
    return [by_name[n] for n in KNOWN_FAMILIES if n in by_name and by_name[n].is_file()]


def _packaged() -> list[Path]:
    out: list[Path] = []
    try:
        import pylopdf_fonts_zh_cn  # type: ignore[import-untyped]

        p = Path(pylopdf_fonts_zh_cn.sans_path())
        if p.is_file():
            out.append(p)
    except ImportError:
        pass
    return out


def _bundled() -> list[Path]:
    if not PACKAGED_DIR.is_dir():
        return []
    return sorted(p for p in PACKAGED_DIR.iterdir()
                  if p.suffix.lower() in {".ttf", ".otf", ".ttc"})


def find_cjk_font(*, refresh: bool = False) -> CjkFont:
    """The font the charts use; registers it with matplotlib. Raises NoCjkFontError."""
    global _found
    with _lock:
        if _found is not None and not refresh:
            return _found
        for source, paths in (("fontconfig", _fontconfig), ("matplotlib", _matplotlib_known),
                              ("package", _packaged), ("bundled", _bundled)):
            for path in paths():
                try:
                    font_manager.fontManager.addfont(str(path))
                    family = font_manager.FontProperties(fname=str(path)).get_name()
                except (OSError, RuntimeError, ValueError) as exc:
                    log.warning("cannot use font %s: %s", path, exc)
                    continue
                _found = CjkFont(path, family, source)
                log.info("charts use CJK font %s (%s, from %s)", family, path, source)
                return _found
        raise NoCjkFontError(
            "找不到中文字体：请安装 pylopdf-fonts-zh-cn（pyproject 依赖）或系统字体 "
            "fonts-noto-cjk / fonts-wqy-microhei。")
