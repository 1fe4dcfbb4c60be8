"""Synthetic knowledge-base corpora for the benchmark (deterministic), and their vectors.

Entries are recombined from the starter content — ``<who><topic><action>？`` with answers made
of starter sentences — so term statistics look like a real knowledge base of that size.

Vectors: embedding a 65-token passage takes about 0.1 s of one core, so truly embedding
100,000 synthetic entries would take hours. A synthetic entry's vector is therefore *composed*:
the normalised sum of the real embeddings of its parts (who, topic, action), which are few and
embedded once. Search latency does not depend on what the vectors say (one matrix product over
all rows), so the timings are those of real vectors; quality is measured on the starter
content with real vectors only.
"""

from __future__ import annotations

import random

import numpy as np

from knowledge_base.content import load_starter_entries
from knowledge_base.documents import KbDoc
from knowledge_base.embedder import Embedder

__all__ = ["composed_vectors", "synthetic_docs"]

_PLACES = [
    "朝阳区",
    "望京街道",
    "酒仙桥",
    "三里屯",
    "双井",
    "劲松",
    "潘家园",
    "大屯",
    "亚运村",
    "小关",
    "安贞",
    "和平街",
    "左家庄",
    "麦子店",
    "团结湖",
    "呼家楼",
    "八里庄",
    "东风",
    "十八里店",
    "高碑店",
    "管庄",
    "常营",
    "金盏",
    "孙河",
    "崔各庄",
    "来广营",
    "东坝",
    "平房",
    "南磨房",
    "太阳宫",
    "我们小区",
    "单位附近",
    "社区",
    "学校周边",
]
_PEOPLE = [
    "老人",
    "孩子",
    "孕妇",
    "外地户籍人员",
    "退休职工",
    "新生儿家长",
    "残疾人",
    "低保户",
    "在校学生",
    "外籍人员",
    "农村户籍居民",
    "失独家庭",
    "个体经营者",
    "医务人员",
    "患者家属",
    "居民",
    "租户",
    "物业",
    "餐饮店老板",
    "企业职工",
]
_ACTIONS = [
    "怎么办理",
    "去哪里咨询",
    "需要带什么材料",
    "如何投诉",
    "收费标准是什么",
    "多长时间能办好",
    "找哪个部门",
    "可以网上办吗",
    "有什么条件",
    "流程是什么",
    "能不能加急",
    "谁负责",
    "不给办怎么办",
    "需要本人到场吗",
    "周末能办吗",
    "可以代办吗",
    "有没有补贴",
    "怎么查询进度",
    "政策有变化吗",
    "办理地点在哪",
    "需要预约吗",
    "要交钱吗",
    "是否需要户口",
    "怎么举报",
]
_FILLERS = [
    "请携带身份证件原件。",
    "具体以最新通知为准。",
    "可拨打12345咨询。",
    "也可以咨询所在社区卫生服务中心。",
    "办理时间为工作日。",
    "建议提前电话预约。",
    "相关材料需要提供复印件。",
    "逾期未办理的需重新申请。",
    "如有疑问可向街道反映。",
]


def synthetic_docs(n: int, *, seed: int = 20240601, start_id: int = 100_000) -> list[KbDoc]:
    """``n`` realistic-looking entries recombined from the starter content."""
    rng = random.Random(seed)
    starter = load_starter_entries()
    topics = sorted({k for e in starter for k in e["keywords"] if len(k) >= 2})
    sentences = sorted(
        {s.strip() + "。" for e in starter for s in e["answer"].split("。") if len(s.strip()) > 8}
    )
    categories = sorted({e["category"] for e in starter})
    sources = sorted({e["source"] for e in starter})
    seen: set[str] = set()
    docs: list[KbDoc] = []
    while len(docs) < n:
        who = rng.choice(_PLACES + _PEOPLE)
        topic1 = rng.choice(topics)
        topic2 = rng.choice(topics) if rng.random() < 0.3 else ""
        topic = topic1 + topic2
        action = rng.choice(_ACTIONS)
        question = f"{who}{topic}{action}？"
        if question in seen:
            continue
        seen.add(question)
        answer = "".join(rng.sample(sentences, 3)) + rng.choice(_FILLERS)
        _PARTS[start_id + len(docs)] = (who, topic1, topic2, action)
        docs.append(
            KbDoc(
                id=start_id + len(docs),
                question=question,
                answer=answer,
                keywords=(*tuple(rng.sample(topics, 3)), topic),
                category=rng.choice(categories),
                source=rng.choice(sources),
            )
        )
    return docs


_PARTS: dict[int, tuple[str, str, str, str]] = {}  # synthetic entry id -> its parts


def composed_vectors(docs: list[KbDoc], embedder: Embedder) -> dict[int, np.ndarray]:
    """A (1, dim) vector per synthetic entry: the normalised sum of its parts' embeddings."""
    parts = sorted({p for d in docs if d.id in _PARTS for p in _PARTS[d.id] if p})
    table = dict(zip(parts, embedder.entries(parts), strict=True))
    table[""] = np.zeros(embedder.dim, dtype=np.float32)
    out: dict[int, np.ndarray] = {}
    for d in docs:
        if d.id not in _PARTS:
            continue
        who, topic1, topic2, action = _PARTS[d.id]
        v = 0.6 * table[who] + table[topic1] + 0.7 * table[topic2] + 0.6 * table[action]
        out[d.id] = (v / np.linalg.norm(v)).astype(np.float32).reshape(1, -1)
    return out
