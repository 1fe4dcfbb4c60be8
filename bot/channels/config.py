"""`CHANNELS_FILE`: where each channel sends, validated at start (file and line in errors).

```yaml
wecom:    {leaders: {url: "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…"}}
dingtalk: {leaders: {url: "https://oapi.dingtalk.com/robot/send?access_token=…", secret: "SEC…"}}
feishu:   {leaders: {url: "https://open.feishu.cn/open-apis/bot/v2/hook/…", secret: "…"}}
sms:      {url: "https://…", headers: {Authorization: "…"}, body: {to: "{phone}", text: "{text}"}}
voice:    {url: "https://…", headers: {}, body: {to: "{phone}", text: "{text}"}}
email:    {host: smtp.example.org, port: 465, security: ssl, user: "…", password: "…",
           sender: "…"}
```
Any URL may be plain ``http://`` only on loopback (tests, a local relay).
"""

from __future__ import annotations

import os
from ipaddress import ip_address
from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator

from bot.configfiles.errors import ConfigFileError
from bot.configfiles.yaml_source import YamlSource

ROBOT_KINDS = ("wecom", "dingtalk", "feishu")
PERSON_KINDS = ("sms", "voice", "email")
PLACEHOLDERS = ("{phone}", "{text}", "{ticket}")


class ChannelsFileError(ConfigFileError):
    prefix = "渠道配置 / channels file: "


def _checked_url(value: str) -> str:
    parts = urlsplit(value.strip())
    if parts.scheme == "https" and parts.hostname:
        return value.strip()
    if parts.scheme == "http" and parts.hostname and _loopback(parts.hostname):
        return value.strip()
    raise ValueError("must be an https:// URL (http:// only on loopback)")


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ip_address(host).is_loopback
    except ValueError:
        return False


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Robot(_Model):
    """A group robot's webhook; DingTalk and Feishu robots may sign with a secret."""

    url: SecretStr
    secret: SecretStr | None = None
    msgtype: Literal["text", "markdown"] = "text"  # WeCom only
    per_minute: int | None = Field(default=None, ge=1, le=10_000)  # default: the vendor's

    @field_validator("url")
    @classmethod
    def _url(cls, v: SecretStr) -> SecretStr:
        return SecretStr(_checked_url(v.get_secret_value()))


class Gateway(_Model):
    """An HTTP gateway for SMS or voice calls: a JSON body template with {phone} {text}
    {ticket} placeholders, so any provider or an in-house relay fits."""

    url: SecretStr
    headers: dict[str, SecretStr] = Field(default_factory=dict)
    body: dict[str, Any]
    timeout_seconds: float = Field(default=10, gt=0, le=120)
    per_minute: int | None = Field(default=None, ge=1, le=10_000)  # default: unlimited

    @field_validator("url")
    @classmethod
    def _url(cls, v: SecretStr) -> SecretStr:
        return SecretStr(_checked_url(v.get_secret_value()))

    @field_validator("body")
    @classmethod
    def _body(cls, v: dict[str, Any]) -> dict[str, Any]:
        text = repr(v)
        if "{phone}" not in text or "{text}" not in text:
            raise ValueError("the body template needs {phone} and {text}")
        return v


class Smtp(_Model):
    host: str
    port: int = Field(default=465, ge=1, le=65535)
    security: Literal["ssl", "starttls", "none"] = "ssl"
    user: str = ""
    password: SecretStr = SecretStr("")
    sender: str
    timeout_seconds: float = Field(default=20, gt=0, le=120)
    per_minute: int | None = Field(default=None, ge=1, le=10_000)  # default: unlimited

    @field_validator("security")
    @classmethod
    def _plain_only_local(cls, v: str, info: Any) -> str:
        host = info.data.get("host", "")
        if v == "none" and host and not _loopback(host):
            raise ValueError("security: none is only allowed for a relay on loopback")
        return v


class ChannelsConfig(_Model):
    wecom: dict[str, Robot] = Field(default_factory=dict)
    dingtalk: dict[str, Robot] = Field(default_factory=dict)
    feishu: dict[str, Robot] = Field(default_factory=dict)
    sms: Gateway | None = None
    voice: Gateway | None = None
    email: Smtp | None = None

    def robot(self, kind: str, name: str) -> Robot | None:
        return getattr(self, kind, {}).get(name) if kind in ROBOT_KINDS else None

    def target(self, name: str) -> str:
        """Where a channel sends, for operators: the host only (keys and hooks live in the
        URL's path and query; credentials are never shown)."""
        kind, _, robot = name.partition(":")
        entry = self.robot(kind, robot) if robot else getattr(self, kind, None)
        if isinstance(entry, Robot | Gateway):
            parts = urlsplit(entry.url.get_secret_value())
            return f"{parts.scheme}://{parts.hostname}" + (f":{parts.port}" if parts.port else "")
        if isinstance(entry, Smtp):
            return f"{entry.host}:{entry.port} ({entry.security})"
        return ""

    def secrets(self) -> list[str]:
        """Every credential in the file (webhook URLs with their keys, the keys inside them,
        signing secrets, gateway headers, the SMTP password): hidden in every log line."""
        out: list[str] = []
        for entry in [*self.wecom.values(), *self.dingtalk.values(), *self.feishu.values(),
                      self.sms, self.voice]:
            if isinstance(entry, Robot | Gateway):
                url = entry.url.get_secret_value()
                out.append(url)
                parts = urlsplit(url)
                out += [v for v in (parts.query, parts.path) if len(v) >= 8]
            if isinstance(entry, Robot) and entry.secret is not None:
                out.append(entry.secret.get_secret_value())
            if isinstance(entry, Gateway):
                out += [h.get_secret_value() for h in entry.headers.values()]
        if self.email is not None:
            out.append(self.email.password.get_secret_value())
        return [s for s in out if s]

    def names(self) -> list[str]:
        """Every configured channel as `kind:name` (robots) or `kind` (sms, voice, email)."""
        out = [f"{kind}:{name}" for kind in ROBOT_KINDS for name in getattr(self, kind)]
        return out + [kind for kind in PERSON_KINDS if getattr(self, kind) is not None]


NO_CHANNELS = ChannelsConfig()


def load_channels(path: str | os.PathLike[str] | None) -> ChannelsConfig:
    """The channels file, or no channels when the setting is empty."""
    if path is None or str(path).strip() == "":
        return NO_CHANNELS
    return YamlSource(path, ChannelsFileError).validate(ChannelsConfig)
