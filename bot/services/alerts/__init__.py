"""Urgent alerts: raise one when a ticket is logged or re-marked 紧急/涉稳/重点, escalate it level
by level (bot/data/escalation.yaml: waits, repeats, time windows) until a leader presses 收到 or
the policy is exhausted (the managers are told nobody answered); once acknowledged, remind the
acknowledger and the duty officer if the ticket is still not dispatched after
ALERT_ACK_TIMEOUT_MINUTES; close it when the ticket moves on.

Crash safety: every step first enqueues its deliveries under deterministic outbox keys
(`alert:<id>:L<level>:r<repeat>:<chat>`), then records the step on the alert. A crash in
between repeats the step on the next tick and the keys make the repeat a no-op, so each
delivery happens once. Nothing here knows Telegram.

The code is split by responsibility: ``raising``, ``escalating`` (the periodic scan and
closing), ``acks`` (收到, 暂缓, failed deliveries), ``recipients`` (who gets each level, and
leaders' sections), ``queries`` (reads and summary counts), on a shared ``core`` and
``common`` vocabulary. :class:`AlertService` is assembled in ``service``.
"""
