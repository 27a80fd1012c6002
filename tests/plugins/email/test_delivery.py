"""Sending one row: retries on 4xx, gives up on 5xx, never sends a settled row again."""
import email
import mailbox
from email import policy

from plugins.email.backends import MaildirBackend, SMTPBackend
from plugins.email.config import EmailConfig
from plugins.email.outbox import enqueue
from plugins.email.worker import Mailer, process_one


def test_451_twice_then_250_is_delivered_once(db, email_config, mailer, test_sessions, smtp):
    row = enqueue(db, email_config, "welcome", "retry@example.com", {"name": "Ann"})
    smtp.answers.extend(["451 4.3.0 try again later", "451 4.3.0 try again later"])
    outcomes = [process_one(test_sessions, mailer, row.id) for _ in range(4)]
    assert outcomes == ["retry", "retry", "sent", "skipped"]
    db.refresh(row)
    assert (row.status, row.attempts) == ("sent", 3)
    assert len(smtp.to("retry@example.com")) == 1


def test_backoff_waits_before_the_next_attempt(db, loaded, smtp, test_sessions):
    config = EmailConfig.from_settings(loaded[0], smtp_url=smtp.url, retry_base=60)
    mailer = Mailer(config, SMTPBackend(smtp.url, timeout=5))
    row = enqueue(db, config, "welcome", "later@example.com", {"name": "Ann"})
    smtp.answers.append("421 4.7.0 busy")
    assert process_one(test_sessions, mailer, row.id) == "retry"
    assert process_one(test_sessions, mailer, row.id) == "skipped"  # not due for a minute
    db.refresh(row)
    assert row.status == "pending" and row.published_at is None and "421" in row.last_error
    assert 55 <= (row.next_attempt_at - row.created_at).total_seconds() <= 65


def test_550_is_recorded_as_failed_and_not_retried(db, email_config, mailer, test_sessions, smtp):
    row = enqueue(db, email_config, "verify_email", "nobody@example.com", {"name": "N", "token": "t"})
    smtp.answers.append("550 5.1.1 mailbox unavailable")
    assert process_one(test_sessions, mailer, row.id) == "failed"
    assert process_one(test_sessions, mailer, row.id) == "skipped"
    db.refresh(row)
    assert row.status == "failed" and row.attempts == 1
    assert "550" in row.last_error and "mailbox unavailable" in row.last_error
    assert "token" not in row.context
    assert smtp.messages == []


def test_unreachable_smtp_server_is_a_temporary_failure(db, email_config, test_sessions):
    mailer = Mailer(email_config, SMTPBackend("smtp://127.0.0.1:1", timeout=2))
    row = enqueue(db, email_config, "welcome", "down@example.com", {"name": "Ann"})
    assert process_one(test_sessions, mailer, row.id) == "retry"
    db.refresh(row)
    assert row.status == "pending" and "ConnectionRefusedError" in row.last_error


def test_attempts_run_out_into_failed(db, loaded, test_sessions):
    config = EmailConfig.from_settings(loaded[0], retry_base=0, max_attempts=2)
    mailer = Mailer(config, SMTPBackend("smtp://127.0.0.1:1", timeout=2))
    row = enqueue(db, config, "welcome", "never@example.com", {"name": "Ann"})
    assert [process_one(test_sessions, mailer, row.id) for _ in range(3)] == ["retry", "failed", "skipped"]
    db.refresh(row)
    assert row.last_error.startswith("gave up after 2 attempts")


def test_maildir_backend_writes_a_mail_a_person_can_open(db, email_config, test_sessions, tmp_path):
    mailer = Mailer(email_config, MaildirBackend(str(tmp_path / "mail")))
    row = enqueue(db, email_config, "verify_email", "dev@example.com", {"name": "Dev", "token": "abc"})
    assert process_one(test_sessions, mailer, row.id) == "sent"
    files = list((tmp_path / "mail" / "new").iterdir())
    assert len(files) == 1
    message = mailbox.Maildir(str(tmp_path / "mail"), factory=None).get_message(files[0].name)
    parsed = email.message_from_bytes(message.as_bytes(), policy=policy.default)
    assert parsed["To"] == "dev@example.com"
    assert "/pages/verify-email/?token=abc" in parsed.get_body(("plain",)).get_content()


def test_health_reports_the_broker(testapp):
    assert testapp.get("/api/health/").json["broker"] == "ok"
