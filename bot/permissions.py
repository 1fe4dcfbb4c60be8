"""Who may do what: the one table every handler's role check reads."""

from __future__ import annotations

import enum

from models.staff import Role


class Perm(enum.StrEnum):
    basic = "basic"  # /start, /help, /cancel
    tickets = "tickets"  # log and move tickets
    ticket_view = "ticket_view"  # read ticket cards and lists
    kb = "kb"  # search the knowledge base
    duty = "duty"  # see the roster, hand over
    alerts = "alerts"  # raise urgent alerts
    ack = "ack"  # acknowledge urgent alerts
    reports = "reports"  # /daily, /weekly and the longer reports
    manage_kb = "manage_kb"  # edit the knowledge base
    manage_roster = "manage_roster"  # roster, reference data, holidays
    manage_users = "manage_users"  # /adduser, /setrole, /deluser, /staff
    compliance = "compliance"  # staff register, trainings, policies, incidents, work report
    assess = "assess"  # /assess: the 考核细则 tracker


_STAFF = {Perm.basic, Perm.tickets, Perm.ticket_view, Perm.kb, Perm.duty, Perm.alerts}
ROLE_PERMS: dict[Role, frozenset[Perm]] = {
    Role.staff: frozenset(_STAFF),
    Role.leader: frozenset(
        {Perm.basic, Perm.ticket_view, Perm.kb, Perm.duty, Perm.ack, Perm.reports, Perm.alerts,
         Perm.assess}
    ),
    Role.manager: frozenset(_STAFF | {Perm.ack, Perm.reports, Perm.manage_kb, Perm.manage_roster,
                                      Perm.compliance, Perm.assess}),
    Role.admin: frozenset(Perm),
}


def allowed(role: Role | str | None, perm: Perm) -> bool:
    if role is None:
        return False
    return perm in ROLE_PERMS[Role(role)]
