"""What the delivery tests share: a local SMTP server (aiosmtpd on 127.0.0.1) that keeps what it receives, the
people of a measure (责任人 with e-mail, 分管领导 with e-mail, 主要领导 without), and the measure itself."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any

from qinglian.ledger import services
from qinglian.ledger.models import Measure
from qinglian.lib.testing import World, free_port, make_user
from qinglian.org.models import Person, Role, User

BASE_URL = "https://qinglian.example.gov.cn"


class Inbox:
    """aiosmtpd's handler: every message the server accepted, parsed."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.received: list[tuple[list[str], EmailMessage]] = []

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:
        if address.startswith("nobody@"):
            return "550 5.1.1 没有这个收件人"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.original_content or envelope.content, policy=email.policy.default)
        self.received.append((list(envelope.rcpt_tos), message))
        return "250 收到"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for rcpt, m in self.received if address in rcpt]


class SmtpServer:
    def __init__(self, port: int | None = None) -> None:
        from aiosmtpd.controller import Controller

        self.port = port or free_port()
        self.inbox = Inbox(self.port)
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)

    def __enter__(self) -> Inbox:
        self.controller.start()
        return self.inbox

    def __exit__(self, *exc: Any) -> None:
        self.controller.stop()


def use_smtp(settings: Any, port: int) -> None:
    settings.QINGLIAN_SMTP_HOST = "127.0.0.1"
    settings.QINGLIAN_SMTP_PORT = port
    settings.QINGLIAN_SMTP_TIMEOUT = 5
    settings.QINGLIAN_BASE_URL = BASE_URL


@dataclass
class People:
    owner: User  # clerk_a, 张干事, zhang@…
    leader: User  # a leader account for 李副部长 (leader in charge), li@…
    principal: User  # leader_a, 王部长, no e-mail


def people(world: World) -> People:
    world.clerk_a.email = "zhang@xcb.example.gov.cn"
    world.clerk_a.save(update_fields=["email"])
    leader = make_user("leader_li", Role.LEADER, world.a, world.member_a)
    leader.email = "li@xcb.example.gov.cn"
    leader.save(update_fields=["email"])
    return People(owner=world.clerk_a, leader=leader, principal=world.leader_a)


def measure(world: World, text: str, deadline: dt.date, *, owner: Person | None = None,
            leader: Person | None = None, label: str = "", problem_text: str = "问题") -> Measure:
    source = services.ledger_source_create(user=world.clerk_a, unit=world.a, kind="self_check", issued_by="本单位",
                                           feedback_date=None)
    aspect = services.ledger_aspect_create(user=world.clerk_a, source=source, title="方面")
    problem = services.ledger_problem_create(user=world.clerk_a, aspect=aspect, text=problem_text)
    return services.ledger_measure_create(
        user=world.clerk_a, problem=problem, text=text, owner=owner,
        leader_in_charge=leader, deadline=deadline, status="in_progress", today=deadline - dt.timedelta(days=90),
        security_label=label)


def parts(message: EmailMessage) -> tuple[str, str]:
    """(plain text, HTML) of a multipart/alternative mail."""
    plain = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    assert plain is not None and html is not None, "邮件应同时有纯文本和 HTML 两部分"
    return plain.get_content(), html.get_content()
