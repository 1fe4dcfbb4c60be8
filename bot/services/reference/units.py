"""A responsible unit (承办单位) as the reference file describes it, and its vocabulary.

`Unit` is a pydantic model so the file, a database snapshot and a test fixture are read by
the same rules: text is trimmed (a missing value is ""), empty aliases are dropped and an
unknown field is refused.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict

#: The kinds of unit a ticket can be sent to.
UNIT_KINDS = ("科室", "医院", "社区卫生服务中心", "监督所", "疾控中心", "其他")
UNIT_FIELDS = ("name", "kind", "aliases", "contact", "leader", "section")
#: The kind of the commission's own sections (each unit names one as its `section`).
SECTION_KIND = "科室"


def clean_text(value: Any) -> str:
    """Trimmed text; None is the empty string (YAML leaves an empty value as null)."""
    if value is None:
        return ""
    return str(value).strip()


def _no_blanks(values: list[str]) -> list[str]:
    return [v for v in values if v]


Text = Annotated[str, BeforeValidator(clean_text)]
TextList = Annotated[list[Text], BeforeValidator(lambda v: [] if v is None else v),
                     AfterValidator(_no_blanks)]


class Unit(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Text = ""
    kind: Text = ""
    aliases: TextList = []
    contact: Text = ""
    leader: Text = ""
    section: Text = ""

    def to_dict(self) -> dict[str, Any]:
        return self.model_dump()

    @classmethod
    def from_dict(cls, data: Any) -> Unit:
        return cls.model_validate(data)
