"""Urgent alerts: raise one when a ticket is logged or re-marked 紧急/涉稳/重点, escalate it level
by level (bot/data/escalation.yaml: waits, repeats, time windows) until a leader presses 收到 or
the policy is exhausted (the managers are told nobody answered); once acknowledged, remind the
acknowledger and the duty officer if the ticket is still not dispatched after
ALERT_ACK_TIMEOUT_MINUTES; close it when the ticket moves on.

Crash safety: every step first enqueues its deliveries under deterministic outbox keys
(`alert:<id>:L<level>:r<repeat>:<chat>`), then records the step on the alert. A crash in
between repeats the step on the next tick and the keys make the repeat a no-op, so each
delivery happens once. Nothing here knows Telegram or writes a sentence: deliveries are notes
(``notes``) rendered by ``bot.texts.alerts``, refusals are typed errors (``errors``).

``service.AlertService`` builds the parts and routes each call: ``sections``, ``recipients``
(who gets a level), ``mail`` (the outbox keys), ``escalation`` (the periodic scan and closing),
``raising``, ``acks`` (收到, 暂缓), ``undelivered`` (the courier's failures), ``queries``; the
vocabulary they share is in ``common``, the buttons' data in ``callbacks``, the policy file in
``policy``; ``urgent`` (/urgent) sits beside the tickets and the alerts.
"""
