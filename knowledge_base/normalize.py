"""Chinese-aware text normalisation for the knowledge-base search.

Everything here is pure and deterministic; expensive resources (the OpenCC converter, the jieba
tokenizer with its user dictionary) are created once, lazily, behind a lock.

* :func:`normalize` — NFKC (full width → half width), lower case, traditional → simplified,
  punctuation / whitespace / emoji removed.  ``"ＨＰＶ疫苗，預約！"`` → ``"hpv疫苗预约"``.
* :func:`segment` — jieba "search mode" segmentation (long words also yield their sub-words),
  with the domain user dictionary ``knowledge_base/user_dict.txt`` loaded.
* :func:`precise_tokens` — jieba precise-mode tokens (frames and stop words are applied to
  them in :mod:`knowledge_base.frames`).
* :func:`syllables` / :func:`initials` — toneless pinyin, ``出生医学证明`` →
  ``["chu", "sheng", "yi", "xue", "zheng", "ming"]`` and ``"csyxzm"``.
* :func:`fuzzy_syllable` — 模糊音 folding (zh/ch/sh → z/c/s, -ng → -n) so near homophones such as
  出身 (chushen) / 出生 (chusheng) share a key.
* :func:`split_pinyin` — split a latin string typed as pinyin into syllables
  (``"chushengzhengming"`` → ``["chu", "sheng", "zheng", "ming"]``), or ``None``.
"""

from __future__ import annotations

import logging
import re
import threading
import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    import jieba
    from opencc import OpenCC

__all__ = [
    "STOPWORDS",
    "cjk_runs",
    "fuzzy_syllable",
    "initials",
    "is_cjk",
    "latin_chunks",
    "normalize",
    "precise_tokens",
    "segment",
    "split_pinyin",
    "split_pinyin_lenient",
    "syllable_options",
    "syllables",
    "to_simplified",
    "word_syllables",
]

_HERE = Path(__file__).resolve().parent
USER_DICT_PATH = _HERE / "user_dict.txt"
STOPWORDS_PATH = _HERE / "stopwords.txt"

# CJK unified ideographs (basic block + extension A) are kept, plus ASCII letters and digits.
_DROP_RE = re.compile(r"[^0-9a-z\u3400-\u4dbf\u4e00-\u9fff]+")
_CJK_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
_LATIN_RE = re.compile(r"[0-9a-z]+")

_lock = threading.Lock()
_cc: OpenCC | None = None
_trad_chars: frozenset[str] = frozenset()
_tokenizer: jieba.Tokenizer | None = None


def _load_lines(path: Path) -> list[str]:
    lines = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if line and not line.startswith("#"):
            lines.append(line)
    return lines


STOPWORDS: frozenset[str] = frozenset(_load_lines(STOPWORDS_PATH))


def is_cjk(ch: str) -> bool:
    """True for a CJK unified ideograph (basic block or extension A)."""
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf"


_CJK_RUN_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]+")


def cjk_runs(text: str) -> list[str]:
    """Maximal runs of CJK characters."""
    return _CJK_RUN_RE.findall(text)


# ----------------------------------------------------------------------------- traditional
def _converter() -> tuple[OpenCC, frozenset[str]]:
    global _cc, _trad_chars
    if _cc is None:
        with _lock:
            if _cc is None:
                from opencc import OpenCC

                cc = OpenCC("t2s")
                # Characters that the t2s tables change: a text with none of them is converted
                # to itself, which lets us skip the (pure Python) conversion for most text.
                chars: set[str] = set()
                dict_dir = Path(__import__("opencc").__file__).resolve().parent / "dictionary"
                try:
                    # (a phrase of TSPhrases always contains one of these characters, or it
                    # converts to itself)
                    text = (dict_dir / "TSCharacters.txt").read_text(encoding="utf-8")
                    for line in text.splitlines():
                        key, _, value = line.partition("\t")
                        if key and key != value.split(" ")[0]:
                            chars.update(key)
                except OSError:  # pragma: no cover - unknown layout: always convert
                    chars = set()
                _trad_chars = frozenset(chars)
                _cc = cc
    return _cc, _trad_chars


def to_simplified(text: str) -> str:
    """Traditional → simplified (OpenCC ``t2s``), skipped when nothing would change."""
    cc, trad = _converter()
    if trad and trad.isdisjoint(text):
        return text
    return cc.convert(text)


def normalize(text: str) -> str:
    """NFKC + lower case + traditional→simplified, keeping only CJK, ASCII letters and digits."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", text).lower()
    text = _DROP_RE.sub(" ", text)
    if not text.strip():
        return ""
    return to_simplified(text).replace(" ", "")


def normalize_spaced(text: str) -> str:
    """Like :func:`normalize` but runs of dropped characters become a single space."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", text).lower()
    text = _DROP_RE.sub(" ", text).strip()
    if not text:
        return ""
    return to_simplified(text)


def latin_chunks(text: str) -> list[str]:
    """ASCII letter/digit runs of an already normalised text."""
    return _LATIN_RE.findall(text)


# ----------------------------------------------------------------------------- segmentation
def _get_tokenizer() -> jieba.Tokenizer:
    global _tokenizer
    if _tokenizer is None:
        with _lock:
            if _tokenizer is None:
                import jieba

                jieba.setLogLevel(logging.WARNING)
                tk = jieba.Tokenizer()
                tk.initialize()
                with USER_DICT_PATH.open("rb") as fh:  # jieba would leave a path open
                    tk.load_userdict(fh)
                _tokenizer = tk
    return _tokenizer


def warm_up() -> None:
    """Load jieba's dictionary and the OpenCC tables now (otherwise on first use)."""
    _get_tokenizer()
    _converter()


@lru_cache(maxsize=65536)
def _segment_cached(text: str) -> tuple[str, ...]:
    tk = _get_tokenizer()
    return tuple(w for w in tk.lcut_for_search(text, HMM=False) if w.strip())


def segment(text: str) -> list[str]:
    """jieba search-mode tokens of a normalised text (long words also give their sub-words)."""
    if not text:
        return []
    if len(text) <= 64:
        return list(_segment_cached(text))
    tk = _get_tokenizer()
    return [w for w in tk.lcut_for_search(text, HMM=False) if w.strip()]


@lru_cache(maxsize=65536)
def _precise_cached(text: str) -> tuple[str, ...]:
    tk = _get_tokenizer()
    return tuple(w for w in tk.lcut(text, HMM=False) if w.strip())


def precise_tokens(text: str) -> list[str]:
    """jieba precise-mode tokens (a partition of the text)."""
    if not text:
        return []
    return list(_precise_cached(text))


# ----------------------------------------------------------------------------- pinyin
@lru_cache(maxsize=262144)
def word_syllables(word: str) -> tuple[str, ...]:
    """Toneless pinyin syllables of a CJK word (one per character, ``ü`` written ``v``)."""
    from pypinyin import Style, lazy_pinyin

    out = lazy_pinyin(word, style=Style.NORMAL, errors=lambda chars: list(chars))
    return tuple(s.lower() for s in out)


def syllables(text: str) -> list[str]:
    """Pinyin syllables of the CJK characters of ``text`` (other characters are skipped).

    Words are converted one jieba token at a time (cached), which also lets pypinyin resolve
    polyphonic characters from word context (银行 → yin hang)."""
    out: list[str] = []
    for word in precise_tokens(text):
        if not _CJK_RE.search(word):
            continue
        for ch, syl in zip(word, word_syllables(word), strict=False):
            if is_cjk(ch):
                out.append(syl)
    return out


@lru_cache(maxsize=65536)
def char_readings(ch: str) -> tuple[str, ...]:
    """Toneless readings of one character (多音字), most common first (at most 2)."""
    from pypinyin import Style, pinyin

    out: list[str] = []
    for reading in pinyin(ch, style=Style.NORMAL, heteronym=True)[0]:
        reading = reading.lower()
        if reading.isascii() and reading.isalpha() and reading not in out:
            out.append(reading)
    return tuple(out[:2])


def syllable_options(text: str) -> list[tuple[str, ...]]:
    """For each CJK character of ``text``: its reading in context first, then its other
    readings (调 in 医调委 → ``("diao", "tiao")``) — entries are indexed under all of them so a
    query typed with either reading finds them."""
    out: list[tuple[str, ...]] = []
    for word in precise_tokens(text):
        out.extend(_word_options(word))
    return out


@lru_cache(maxsize=131072)
def _word_options(word: str) -> tuple[tuple[str, ...], ...]:
    if not _CJK_RE.search(word):
        return ()
    out: list[tuple[str, ...]] = []
    for ch, syl in zip(word, word_syllables(word), strict=False):
        if is_cjk(ch):
            alts = char_readings(ch)
            out.append((syl, *(a for a in alts if a != syl)))
    return tuple(out)


def initials(text: str) -> str:
    """First letter of each syllable (CJK) — ``出生医学证明`` → ``csyxzm``; latin runs are kept."""
    parts: list[str] = []
    for word in precise_tokens(text):
        if _CJK_RE.search(word):
            parts.extend(s[0] for s in word_syllables(word) if s)
        else:
            parts.append(word)
    return "".join(parts)


_FUZZY_INITIALS = (("zh", "z"), ("ch", "c"), ("sh", "s"))


@lru_cache(maxsize=4096)
def fuzzy_syllable(syl: str) -> str:
    """Fold a syllable for near-homophone matching: zh/ch/sh → z/c/s, final -ng → -n."""
    for src, dst in _FUZZY_INITIALS:
        if syl.startswith(src):
            syl = dst + syl[2:]
            break
    if syl.endswith("ng") and len(syl) > 2:
        syl = syl[:-1]
    return syl


# Toneless Mandarin syllables (ü written v; lue/nue accepted as typed on IMEs).
_SYLLABLES = frozenset(
    """a ai an ang ao ba bai ban bang bao bei ben beng bi bian biao bie bin bing bo bu ca cai
    can cang cao ce cen ceng cha chai chan chang chao che chen cheng chi chong chou chu chua
    chuai chuan chuang chui chun chuo ci cong cou cu cuan cui cun cuo da dai dan dang dao de dei
    deng di dia dian diao die ding diu dong dou du duan dui dun duo e ei en eng er fa fan fang
    fei fen feng fo fou fu ga gai gan gang gao ge gei gen geng gong gou gu gua guai guan guang
    gui gun guo ha hai han hang hao he hei hen heng hong hou hu hua huai huan huang hui hun huo
    ji jia jian jiang jiao jie jin jing jiong jiu ju juan jue jun ka kai kan kang kao ke kei ken
    keng kong kou ku kua kuai kuan kuang kui kun kuo la lai lan lang lao le lei leng li lia lian
    liang liao lie lin ling liu long lou lu luan lun luo lv lve lue ma mai man mang mao me mei
    men meng mi mian miao mie min ming miu mo mou mu na nai nan nang nao ne nei nen neng ni nian
    niang niao nie nin ning niu nong nou nu nuan nuo nv nve nue o ou pa pai pan pang pao pei pen
    peng pi pian piao pie pin ping po pou pu qi qia qian qiang qiao qie qin qing qiong qiu qu
    quan que qun ran rang rao re ren reng ri rong rou ru rua ruan rui run ruo sa sai san sang
    sao se sen seng sha shai shan shang shao she shei shen sheng shi shou shu shua shuai shuan
    shuang shui shun shuo si song sou su suan sui sun suo ta tai tan tang tao te teng ti tian
    tiao tie ting tong tou tu tuan tui tun tuo wa wai wan wang wei wen weng wo wu xi xia xian
    xiang xiao xie xin xing xiong xiu xu xuan xue xun ya yan yang yao ye yi yin ying yong you yu
    yuan yue yun za zai zan zang zao ze zei zen zeng zha zhai zhan zhang zhao zhe zhei zhen
    zheng zhi zhong zhou zhu zhua zhuai zhuan zhuang zhui zhun zhuo zi zong zou zu zuan zui zun
    zuo""".split()
)
_MAX_SYL = max(len(s) for s in _SYLLABLES)


@lru_cache(maxsize=8192)
def split_pinyin(text: str) -> tuple[str, ...] | None:
    """Split a lower-case latin string into pinyin syllables, or ``None`` if it cannot be.

    Fewest syllables wins (``xian`` stays one syllable); among equal counts, longer leading
    syllables are preferred (``fangan`` → ``fang an``)."""
    n = len(text)
    if n == 0 or n > 120 or not text.isascii() or not text.isalpha():
        return None
    # best[i] = (count, syllables) for text[i:]
    best: list[tuple[int, tuple[str, ...]] | None] = [None] * (n + 1)
    best[n] = (0, ())
    for i in range(n - 1, -1, -1):
        choice: tuple[int, tuple[str, ...]] | None = None
        for j in range(min(n, i + _MAX_SYL), i, -1):
            piece = text[i:j]
            rest = best[j]
            if rest is None or piece not in _SYLLABLES:
                continue
            cand = (rest[0] + 1, (piece, *rest[1]))
            if choice is None or cand[0] < choice[0]:
                choice = cand
        best[i] = choice
    result = best[0]
    return None if result is None else result[1]


@lru_cache(maxsize=8192)
def split_pinyin_lenient(text: str) -> tuple[str, ...] | None:
    """Like :func:`split_pinyin` but a stray letter may be skipped (a typo such as
    ``farementzhen``); ``None`` unless at least five letters in six form syllables."""
    strict = split_pinyin(text)
    if strict is not None:
        return strict
    n = len(text)
    if n == 0 or n > 120 or not text.isascii() or not text.isalpha():
        return None
    skip_cost = 3
    # best[i] = (cost, skipped, syllables) for text[i:]
    best: list[tuple[int, int, tuple[str, ...]]] = [(0, 0, ())] * (n + 1)
    for i in range(n - 1, -1, -1):
        rest = best[i + 1]
        choice = (rest[0] + skip_cost, rest[1] + 1, rest[2])
        for j in range(min(n, i + _MAX_SYL), i, -1):
            piece = text[i:j]
            if piece in _SYLLABLES:
                rest = best[j]
                cand = (rest[0] + 1, rest[1], (piece, *rest[2]))
                if cand[0] < choice[0]:
                    choice = cand
        best[i] = choice
    _cost, skipped, syls = best[0]
    if not syls or skipped * 6 > n:
        return None
    return syls
