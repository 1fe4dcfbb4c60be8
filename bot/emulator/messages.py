"""Message-producing Bot API methods: send/edit/delete, files, callback and inline answers.

Each returns exactly what the real server returns (a Message dict or ``True``) and raises
:class:`ApiError` with Telegram's wording for everything Telegram rejects.
"""

from __future__ import annotations

import copy
import mimetypes
import struct
from typing import Any

from bot.emulator.common import Context, find_message, int_param, reply_to, resolve_chat
from bot.emulator.errors import NOT_MODIFIED, QUERY_TOO_OLD, bad_request
from bot.emulator.state import JSON, SentFile, StoredFile
from bot.emulator.text import check_caption, check_reply_markup, check_text

CHAT_ACTIONS = frozenset(
    {"typing", "upload_photo", "record_video", "upload_video", "record_voice", "upload_voice",
     "upload_document", "choose_sticker", "find_location", "record_video_note",
     "upload_video_note"}
)  # fmt: skip


def _markup(params: dict[str, Any]) -> JSON | None:
    """The keyboard kept on the message: like Telegram, only an inline keyboard is part of
    the Message object (ForceReply and reply keyboards act on the client and are not)."""
    markup = check_reply_markup(params.get("reply_markup"))
    if markup is None or not markup.get("inline_keyboard"):
        return None
    return markup


def _deliver(ctx: Context, chat: JSON, params: dict[str, Any], **fields: Any) -> JSON:
    """Flood-check, store and return a new bot message in ``chat``."""
    ctx.limiter.check(chat["id"], is_group=chat["type"] in ("group", "supergroup"))
    fields.setdefault("reply_to_message", reply_to(ctx, chat["id"], params))
    message = ctx.state.new_message(chat["id"], ctx.state.bot_user, from_bot=True, **fields)
    ctx.limiter.record(chat["id"])
    return copy.deepcopy(message)


def _strict(ctx: Context) -> bool:
    return ctx.state.strict_html


def send_message(ctx: Context, params: dict[str, Any]) -> JSON:
    """sendMessage: parse/validate text and keyboard, then store."""
    chat = resolve_chat(ctx, params)
    text, entities = check_text(params, strict_amp=_strict(ctx))
    is_html = str(params.get("parse_mode") or "").lower() == "html"
    return _deliver(
        ctx,
        chat,
        params,
        text=text,
        entities=entities or None,
        reply_markup=_markup(params),
        html=params["text"] if is_html else None,
    )


def _input_file(ctx: Context, params: dict[str, Any], name: str, folder: str) -> StoredFile:
    """Resolve an uploaded part, ``attach://`` reference, known file_id or URL."""
    value = params.get(name)
    upload = ctx.files.get(name)
    if upload is None and isinstance(value, str) and value.startswith("attach://"):
        upload = ctx.files.get(value[len("attach://") :])
    if upload is not None:
        mime = upload.content_type
        if not mime or mime == "application/octet-stream":
            mime = mimetypes.guess_type(upload.filename)[0] or mime
        return ctx.state.store_file(upload.content, upload.filename, mime, folder)
    if not value:
        raise bad_request(f"there is no {name} in the request")
    if isinstance(value, str) and value in ctx.state.files:
        return ctx.state.files[value]
    if isinstance(value, str) and value.startswith(("http://", "https://")):
        filename = value.rstrip("/").rsplit("/", 1)[-1] or "file"
        return ctx.state.store_file(b"", filename, mimetypes.guess_type(filename)[0], folder)
    raise bad_request("wrong file identifier/HTTP URL specified")


def _image_size(content: bytes) -> tuple[int, int]:
    """Width/height from a PNG header; 1x1 for anything else (good enough for PhotoSize)."""
    if content[:8] == b"\x89PNG\r\n\x1a\n" and len(content) >= 24:
        width, height = struct.unpack(">II", content[16:24])
        return int(width), int(height)
    return 1, 1


def _send_file(ctx: Context, params: dict[str, Any], method: str, kind: str) -> JSON:
    chat = resolve_chat(ctx, params)
    caption = check_caption(params, strict_amp=_strict(ctx))
    stored = _input_file(ctx, params, kind, "photos" if kind == "photo" else "documents")
    base = {"file_id": stored.file_id, "file_unique_id": stored.file_unique_id}
    media: Any
    if kind == "photo":
        width, height = _image_size(stored.content)
        media = [{**base, "width": width, "height": height, "file_size": len(stored.content)}]
    else:
        media = {**base, "file_name": stored.filename, "file_size": len(stored.content)}
        if stored.mime_type:
            media["mime_type"] = stored.mime_type
    is_html = str(params.get("parse_mode") or "").lower() == "html"
    message = _deliver(
        ctx,
        chat,
        params,
        caption=caption[0] if caption else None,
        caption_entities=(caption[1] or None) if caption else None,
        caption_html=params["caption"] if caption and is_html else None,
        reply_markup=_markup(params),
        **{kind: media},
    )
    ctx.state.sent_files.append(
        SentFile(method, chat["id"], stored.filename, stored.content, message.get("caption"))
    )
    return message


def send_document(ctx: Context, params: dict[str, Any]) -> JSON:
    """sendDocument (multipart upload, attach://, file_id or URL)."""
    return _send_file(ctx, params, "sendDocument", "document")


def send_photo(ctx: Context, params: dict[str, Any]) -> JSON:
    """sendPhoto (multipart upload, attach://, file_id or URL)."""
    return _send_file(ctx, params, "sendPhoto", "photo")


def _editable(ctx: Context, params: dict[str, Any]) -> JSON | None:
    """The stored message dict to edit, or None for inline messages (answered with True)."""
    if params.get("inline_message_id"):
        return None
    chat = resolve_chat(ctx, params)
    message_id = int_param(params, "message_id")
    stored = find_message(ctx, chat["id"], message_id, missing="message to edit not found")
    if not stored.from_bot:
        raise bad_request("message can't be edited")
    return stored.data


def _apply(data: JSON, changes: dict[str, Any]) -> JSON:
    """Write changes (None removes the key), stamp edit_date, return a snapshot."""
    if all(data.get(k) == v for k, v in changes.items()):
        raise bad_request(NOT_MODIFIED)
    for key, value in changes.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return data


def edit_message_text(ctx: Context, params: dict[str, Any]) -> JSON | bool:
    """editMessageText; omitting reply_markup removes the keyboard, as on Telegram."""
    data = _editable(ctx, params)
    text, entities = check_text(params, strict_amp=_strict(ctx))
    if data is None:
        return True
    if "text" not in data:
        raise bad_request("there is no text in the message to edit")
    is_html = str(params.get("parse_mode") or "").lower() == "html"
    changes = {"text": text, "entities": entities or None, "reply_markup": _markup(params)}
    _apply(data, changes)
    if is_html:
        data["html"] = params["text"]
    else:
        data.pop("html", None)
    data["edit_date"] = ctx.state.now()
    return copy.deepcopy(data)


def edit_message_caption(ctx: Context, params: dict[str, Any]) -> JSON | bool:
    """editMessageCaption for documents/photos."""
    data = _editable(ctx, params)
    caption = check_caption(params, strict_amp=_strict(ctx))
    if data is None:
        return True
    if "text" in data:
        raise bad_request("there is no caption in the message to edit")
    changes = {
        "caption": caption[0] if caption else None,
        "caption_entities": (caption[1] or None) if caption else None,
        "reply_markup": _markup(params),
    }
    _apply(data, changes)
    data["edit_date"] = ctx.state.now()
    return copy.deepcopy(data)


def edit_message_reply_markup(ctx: Context, params: dict[str, Any]) -> JSON | bool:
    """editMessageReplyMarkup; an absent markup removes the keyboard."""
    data = _editable(ctx, params)
    markup = _markup(params)
    if data is None:
        return True
    _apply(data, {"reply_markup": markup})
    data["edit_date"] = ctx.state.now()
    return copy.deepcopy(data)


def delete_message(ctx: Context, params: dict[str, Any]) -> bool:
    """deleteMessage: the message disappears from bot_messages()."""
    chat = resolve_chat(ctx, params, writing=False)
    message_id = int_param(params, "message_id")
    find_message(ctx, chat["id"], message_id, missing="message to delete not found").deleted = True
    return True


def send_chat_action(ctx: Context, params: dict[str, Any]) -> bool:
    """sendChatAction: only validates chat and action."""
    resolve_chat(ctx, params)
    if params.get("action") not in CHAT_ACTIONS:
        raise bad_request("wrong parameter action in request")
    return True


def answer_callback_query(ctx: Context, params: dict[str, Any]) -> bool:
    """answerCallbackQuery: each query id can be answered once."""
    query_id = str(params.get("callback_query_id") or "")
    state = ctx.state
    if query_id not in state.callback_queries or query_id in state.answered_callbacks:
        raise bad_request(QUERY_TOO_OLD)
    if len(str(params.get("text") or "")) > 200:
        raise bad_request("MESSAGE_TOO_LONG")
    state.answered_callbacks[query_id] = dict(params)
    return True


def _check_inline_result(ctx: Context, result: Any, seen: set[str]) -> None:
    if not isinstance(result, dict) or not result.get("type"):
        raise bad_request("can't parse InlineQueryResult JSON object")
    result_id = str(result.get("id") or "")
    if not result_id or len(result_id.encode("utf-8")) > 64:
        raise bad_request("RESULT_ID_INVALID")
    if result_id in seen:
        raise bad_request("RESULT_ID_DUPLICATE")
    seen.add(result_id)
    content = result.get("input_message_content")
    if isinstance(content, dict) and "message_text" in content:
        check_text(content, key="message_text", strict_amp=_strict(ctx))
    check_reply_markup(result.get("reply_markup"))


def answer_inline_query(ctx: Context, params: dict[str, Any]) -> bool:
    """answerInlineQuery: ≤50 results, unique ids ≤64 bytes, valid message contents."""
    query_id = str(params.get("inline_query_id") or "")
    state = ctx.state
    if query_id not in state.inline_queries or query_id in state.inline_answers:
        raise bad_request(QUERY_TOO_OLD)
    results = params.get("results")
    if not isinstance(results, list):
        raise bad_request("can't parse inline query results JSON object")
    if len(results) > 50:
        raise bad_request("RESULTS_TOO_MUCH")
    seen: set[str] = set()
    for result in results:
        _check_inline_result(ctx, result, seen)
    state.inline_answers[query_id] = copy.deepcopy(dict(params))
    return True
