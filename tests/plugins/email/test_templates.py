"""Templates: every kind renders text and HTML, HTML is escaped, a merchant's file wins."""
import pytest

from plugins.email.backends import MailBackend, MaildirBackend, SMTPBackend, backend_for
from plugins.email.config import EmailConfig
from plugins.email.render import KINDS, Renderer

ORDER = {"id": 7, "number": "A-1007", "status": "paid", "currency": "USD", "subtotal": "20.00",
         "shipping": "5.00", "tax": "0.00", "total": "25.00",
         "items": [{"vendor_id": 1, "product_name": "Tee", "variant_name": "Red", "size_label": "M",
                    "quantity": 2, "unit_price": "10.00", "line_total": "20.00"}]}
RETURN = {"id": 7, "note": "too small", "refund_amount": "20.00",
          "items": [{"product_name": "Tee", "variant_name": "Red", "size_label": "M", "quantity": 1,
                     "reason": "too small", "amount": "20.00"}]}
CONTEXTS = {
    "verify_email": {"name": "Ann", "token": "tok"},
    "welcome": {"name": "Ann"},
    "password_reset": {"name": "Ann", "token": "tok"},
    "password_changed": {"name": "Ann"},
    "order_confirmation": {"name": "Ann", "order": ORDER},
    "order_shipped": {"name": "Ann", "order": ORDER, "tracking_number": "1Z999", "carrier": "UPS"},
    "order_cancelled": {"name": "Ann", "order": ORDER},
    "order_refunded": {"name": "Ann", "order": ORDER, "amount": "5.00"},
    "vendor_approved": {"name": "Ann", "vendor_name": "Shop"},
    "vendor_rejected": {"name": "Ann", "vendor_name": "Shop", "reason": "incomplete"},
    "vendor_new_order": {"name": "Ann", "vendor_name": "Shop", "order": ORDER, "vendor_total": "20.00"},
    "payout_sent": {"name": "Ann", "vendor_name": "Shop", "amount": "54.00", "currency": "USD", "reference": "B-1"},
    "return_requested": {"name": "Ann", "order": ORDER, "return_": RETURN},
    "return_approved": {"name": "Ann", "order": ORDER, "return_": RETURN},
    "return_rejected": {"name": "Ann", "order": ORDER, "return_": RETURN, "reason": "worn"},
    "vendor_new_return": {"name": "Ann", "vendor_name": "Shop", "order": ORDER, "return_": RETURN},
}


@pytest.fixture
def make_config(loaded):
    """``make_config(**overrides)``: the test app's email settings with a public shop URL."""
    return lambda **kw: EmailConfig.from_settings(loaded[0], **{"public_url": "https://shop.example", **kw})


@pytest.fixture
def config(make_config):
    return make_config()


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_renders_subject_text_and_html(config, kind):
    subject, text, html = Renderer(config).render(kind, CONTEXTS[kind])
    assert subject and "\n" not in subject
    assert "Ann" in text and "Ann" in html
    assert html.lstrip().startswith("<!doctype html>")


def test_links_follow_their_settings(config, make_config):
    front = Renderer(make_config(verify_url="https://front.example/verify?t={token}"))
    assert "https://front.example/verify?t=tok" in front.render("verify_email", CONTEXTS["verify_email"])[1]
    default = Renderer(config).render("verify_email", CONTEXTS["verify_email"])[1]
    assert "https://shop.example/pages/verify-email/?token=tok" in default


def test_html_is_escaped_and_text_is_not(config):
    context = {"name": "<script>x</script>", "vendor_name": "A & B", "reason": "<b>no</b>"}
    _, text, html = Renderer(config).render("vendor_rejected", context)
    assert "<script>" not in html and "&lt;script&gt;" in html and "A &amp; B" in html
    assert "<script>x</script>" in text


def test_order_mails_show_items_and_totals(config):
    _, text, html = Renderer(config).render("order_confirmation", CONTEXTS["order_confirmation"])
    assert "2 × Tee (Red, M): 20.00 USD" in text
    assert "Total: 25.00 USD" in text and "https://shop.example/pages/orders/A-1007/" in text
    assert "1Z999" in Renderer(config).render("order_shipped", CONTEXTS["order_shipped"])[1]


def test_a_template_in_the_override_directory_wins(make_config, tmp_path):
    (tmp_path / "welcome.subject.txt").write_text("Hi {{ name }}, from {{ shop_name }}")
    renderer = Renderer(make_config(templates_dir=str(tmp_path), shop_name="Corner Shop"))
    subject, text, _ = renderer.render("welcome", {"name": "Ann"})
    assert subject == "Hi Ann, from Corner Shop"
    assert "account is active" in text  # the others stay built-in


def test_backends_implement_the_interface(make_config, tmp_path):
    assert isinstance(MaildirBackend(str(tmp_path)), MailBackend)
    assert isinstance(backend_for(make_config(smtp_url="smtp://h:1")), MailBackend)
    assert isinstance(backend_for(make_config(backend="maildir")), MaildirBackend)


def test_smtp_url_options_are_understood():
    plain = SMTPBackend("smtp://mail.example:2525")
    assert (plain.host, plain.port, plain.ssl, plain.starttls, plain.username) == ("mail.example", 2525, False, False, None)
    tls = SMTPBackend("smtp://us%40r:p%3Ass@mail.example?starttls=1")
    assert (tls.port, tls.starttls, tls.username, tls.password) == (25, True, "us@r", "p:ss")
    assert SMTPBackend("smtps://mail.example").port == 465
    with pytest.raises(ValueError, match="AGORA_SMTP_URL"):
        SMTPBackend("")


def test_the_payout_mail_says_how_much_was_paid_and_its_reference(config):
    subject, text, html = Renderer(config).render("payout_sent", CONTEXTS["payout_sent"])
    assert "54.00 USD" in subject and "Shop" in subject
    assert "54.00 USD" in text and "reference B-1" in text and "54.00 USD" in html
