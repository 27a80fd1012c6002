"""Turn an outbox row into an ``EmailMessage`` with Jinja2 templates (text and HTML).

Each mail kind has three templates: ``<kind>.subject.txt``, ``<kind>.txt`` and
``<kind>.html``.  HTML is autoescaped; text is not.  A merchant overrides any of them by
putting a file of the same name in the directory named by ``agora.email.templates_dir``
(searched first); the built-in ones live in this package's ``templates/``.
"""
from __future__ import annotations

from email.message import EmailMessage
from email.utils import formatdate
from pathlib import Path

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined, select_autoescape

from plugins.email.config import EmailConfig

BUILTIN = Path(__file__).parent / "templates"
KINDS = ("verify_email", "welcome", "password_reset", "password_changed", "order_confirmation",
         "order_shipped", "order_cancelled", "order_refunded", "vendor_approved", "vendor_rejected",
         "vendor_new_order", "payout_sent", "return_requested", "return_approved", "return_rejected",
         "vendor_new_return")


class Renderer:
    """Renders mails of the known kinds from their JSON context plus the shop's settings."""

    def __init__(self, config: EmailConfig):
        self.config = config
        loaders = [FileSystemLoader(str(BUILTIN))]
        if config.templates_dir:
            loaders.insert(0, FileSystemLoader(config.templates_dir))
        self.env = Environment(loader=ChoiceLoader(loaders), undefined=StrictUndefined,
                               autoescape=select_autoescape(["html"], default_for_string=False),
                               keep_trailing_newline=True)

    def context(self, kind: str, context: dict) -> dict:
        """The template context: the row's context, shop globals and the links it needs."""
        cfg = self.config
        out = {"shop_name": cfg.shop_name, "public_url": cfg.public_url, **context}
        if kind == "verify_email":
            out["link"] = cfg.link(cfg.verify_url, token=context["token"])
        elif kind == "password_reset":
            out["link"] = cfg.link(cfg.reset_url, token=context["token"])
        elif context.get("order_token"):  # a guest order: opened by its token, no account
            out["link"] = cfg.link(cfg.guest_order_url, token=context["order_token"])
        elif "order" in context:
            out["link"] = cfg.link(cfg.order_url, number=context["order"]["number"])
        return out

    def render(self, kind: str, context: dict) -> tuple[str, str, str]:
        """(subject, text, html) for ``kind``; raises jinja2 errors for unknown kinds or data."""
        values = self.context(kind, context)
        subject = self.env.get_template(f"{kind}.subject.txt").render(values)
        text = self.env.get_template(f"{kind}.txt").render(values)
        html = self.env.get_template(f"{kind}.html").render(values)
        return " ".join(subject.split()), text, html

    def message(self, row) -> EmailMessage:
        """The complete message of an outbox row, with the row's own Message-ID."""
        subject, text, html = self.render(row.kind, row.context or {})
        msg = EmailMessage()
        msg["Subject"] = subject
        msg["From"] = self.config.sender
        msg["To"] = row.to_address
        msg["Date"] = formatdate(localtime=False)
        msg["Message-ID"] = row.message_id
        msg["X-Agora-Outbox-Id"] = str(row.id)
        # 8bit, not quoted-printable: a person reading the dev maildir can copy the links as they are.
        msg.set_content(text, cte="8bit")
        msg.add_alternative(html, subtype="html", cte="8bit")
        return msg
