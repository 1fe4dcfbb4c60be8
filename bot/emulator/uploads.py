"""Users sending files: documents, voice messages, audio files and photos.

The bytes are kept like the bot's own uploads, so ``getFile`` and the file download route
serve them back (what a bot does to keep a file a user sent). The message carries the Bot API
object of its kind (``document``, ``voice``, ``audio``, ``photo``) with a real ``file_size``.
"""

from __future__ import annotations

import copy
import mimetypes

from bot.emulator.state import JSON, EmulatorState

_FOLDERS = {"document": "documents", "voice": "voice", "audio": "music", "photo": "photos"}
_DEFAULT_NAMES = {"document": "file.bin", "voice": "voice.ogg", "audio": "audio.mp3",
                  "photo": "photo.jpg"}


class UploadMixin:
    """User-side file messages of :class:`BotApiEmulator`."""

    state: EmulatorState

    def send_file(
        self,
        *,
        user_id: int,
        kind: str,
        content: bytes,
        filename: str = "",
        mime_type: str | None = None,
        caption: str | None = None,
        chat_id: int | None = None,
        reply_to_message_id: int | None = None,
        duration: int = 5,
    ) -> JSON:
        """A user sends a file of ``kind`` (document / voice / audio / photo)."""
        if kind not in _FOLDERS:
            raise ValueError(f"unsupported file kind {kind!r}")
        state = self.state
        user = state.ensure_user(user_id)
        chat_id = user_id if chat_id is None else chat_id
        if state.chat(chat_id) is None:
            state.add_group(chat_id)
        name = filename or _DEFAULT_NAMES[kind]
        mime = mime_type or mimetypes.guess_type(name)[0] or "application/octet-stream"
        stored = state.store_file(content, name, mime, _FOLDERS[kind])
        base: JSON = {"file_id": stored.file_id, "file_unique_id": stored.file_unique_id,
                      "file_size": len(content)}
        media: JSON | list[JSON]
        if kind == "document":
            media = {**base, "file_name": name, "mime_type": mime}
        elif kind == "voice":
            media = {**base, "duration": duration, "mime_type": mime}
        elif kind == "audio":
            media = {**base, "duration": duration, "file_name": name, "mime_type": mime}
        else:
            media = [{**base, "width": 1280, "height": 960}]
        message = state.new_message(
            chat_id, user, from_bot=False, caption=caption,
            reply_to_message=self._replied(chat_id, reply_to_message_id), **{kind: media},
        )  # fmt: skip
        state.queue_update("message", message)
        return copy.deepcopy(message)

    def send_document(self, *, user_id: int, content: bytes, filename: str,
                      caption: str | None = None, reply_to_message_id: int | None = None,
                      chat_id: int | None = None) -> JSON:
        """Shorthand: a user sends ``content`` as a document named ``filename``."""
        return self.send_file(user_id=user_id, kind="document", content=content,
                              filename=filename, caption=caption, chat_id=chat_id,
                              reply_to_message_id=reply_to_message_id)

    def _replied(self, chat_id: int, message_id: int | None) -> JSON | None:
        if message_id is None:
            return None
        stored = self.state.get_message(chat_id, message_id)
        if stored is None:
            raise LookupError(f"no message {message_id} in chat {chat_id}")
        reply = copy.deepcopy(stored.data)
        reply.pop("reply_to_message", None)
        return reply
