"""Deadline reminders, the 21:00 案件不过夜 sweep, the morning digest and the holiday notice.

Nothing here knows Telegram or writes a sentence: every message is a typed note
(``notes``) put in the outbox and rendered by ``bot.texts.reminders`` at send time. One
periodic producer, :meth:`ReminderService.scan`, runs on every scheduler tick.

How a reminder goes out exactly once, across restarts:

* Each open ticket carries ``next_reminder_at`` (indexed): the earliest time one of its
  reminder steps falls due. NULL means "plan me" (a new ticket, or any workflow action — the
  ticket service clears it). A scan reads only tickets with ``next_reminder_at <= now`` or
  NULL, so it costs a few index look-ups however many tickets are open.
* A deadline's steps: one per lead (``REMINDER_LEADS``, default 24 h, 2 h and 0 = at the
  deadline) to the handler; once overdue (1 minute after the deadline) to the handler and the
  shift lead on duty, then once a day until the stage is done. Only the *latest* step that has
  fallen due is sent: after downtime nobody gets "24 h left" for a ticket that is overdue.
* Before anything is enqueued the step is written to the ledger (``ReminderSent``, unique per
  ticket, kind, lead and deadline value — an extension gets fresh reminders) together with its
  recipients and a batch id, in the same transaction that moves ``next_reminder_at``. The batch
  is then enqueued with keys ``rm:<batch>:<chat>`` and flagged; a crash in between is repaired
  by the next scan (the outbox's unique keys make the re-enqueue harmless).
* Everything one scan finds for one person becomes one message (coalesced), not a flood.
* When a ticket is (re)planned because someone just logged or acted on it, lead steps that
  are already past are recorded as ``skipped`` rather than sent: the person is on it.

The code is split into small collaborators, composed in ``service.build_reminders``:
``steps`` (the timetable rules, pure), ``planner`` (the ticket scan), ``ledger`` (ledger to
outbox, crash repair), ``duty`` (who is on duty), ``actions`` (snooze, 已处理), ``overnight``
(the sweep), ``digest`` (the morning post), ``holidays`` (calendar reload, the import
reminder); ``notes`` and ``records`` are the values they hand out.
"""
