"""The callback data of every inline button, written and read in one place.

Telegram hands back whatever string a button carried, and a client can send any string at
all: a keyboard from an older version, a button whose dialogue has ended, or data made up by
hand (``t1:zz:1``, ``sw1:pk:20261345:0``, ``pg1:open:99999999999999999999``). So a handler
never splits or converts the data itself: it asks :func:`parse` for the value of the one kind
it handles and gets a typed record, or None for anything else — and then answers
"按钮已失效，请重新打开" (``handlers/buttons.py``). Numbers are bounded here (a row id fits
PostgreSQL's ``integer``, an index is small, a date is a real date), so nothing downstream
meets an overflow.

Data is ``<prefix><version>:<part>:…`` (``t1:sg:42``), at most 64 bytes. Each kind is a
NamedTuple; its *layouts* say how it is written. A kind may have several layouts (the alert
buttons with and without the ``:x`` of a /t card); its fields not in a layout keep their
defaults.
"""
