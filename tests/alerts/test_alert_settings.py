"""TIERS_ALERT_URLS and TIERS_SMTP_URL: checked when the settings load, in one line naming the variable, and
never printed or stored with their secrets."""

import pytest

from tiering.alerts.destinations import alert_urls, smtp_server
from tiering.settings import Settings, SettingsError


@pytest.mark.parametrize(
    ("variable", "value", "problem"),
    [
        (
            "TIERS_ALERT_URLS",
            "json://127.0.0.1:9/hook, nosuch://s3cret@host",
            "entry 2 (scheme nosuch) is not one",
        ),
        ("TIERS_ALERT_URLS", "hooks.slack.com/s3cret", "entry 1 (no scheme://) is not one"),
        (
            "TIERS_SMTP_URL",
            "smtp://user:s3cret@mail.example.com?from=t@example.com",
            "give the host and the port",
        ),
        (
            "TIERS_SMTP_URL",
            "smtp://user:s3cret@mail.example.com:587",
            "from= must be the sender's e-mail address",
        ),
        (
            "TIERS_SMTP_URL",
            "smtps://user:s3cret@mail.example.com:465?from=t@x.com",
            "the scheme must be smtp://",
        ),
        ("TIERS_SMTP_URL", "smtp://h:25?from=t@x.com&starttls=yes", "starttls must be 0 or 1"),
        ("TIERS_SMTP_URL", "smtp://h:25?from=t@x.com&tls=1", "unknown option tls"),
    ],
)
def test_a_bad_url_is_one_line_naming_the_variable_without_the_secret(variable, value, problem):
    with pytest.raises(SettingsError) as refused:
        Settings.from_env({variable: value})
    message = str(refused.value)
    assert message.startswith(f"{variable} must be ") and problem in message
    assert "\n" not in message and "s3cret" not in message


def test_good_urls_load_and_are_shown_without_secrets():
    settings = Settings.from_env(
        {
            "TIERS_ALERT_URLS": "json://127.0.0.1:8080/hook, slack://T1234/B5678/abcdefghijklmnop",
            "TIERS_SMTP_URL": "smtp://ann%40corp:p%40ss@mail.example.com:587?from=tiers@example.com&starttls=1",
        }
    )
    assert "p%40ss" not in repr(settings) and "abcdefghijklmnop" not in repr(settings)
    shown = [d.shown for d in alert_urls(settings.alert_urls)]
    assert shown[0] == "json://127.0.0.1:8080/hook"
    assert shown[1].startswith("slack://") and "abcdefghijklmnop" not in shown[1]
    server = smtp_server(settings.smtp_url)
    assert (server.host, server.port, server.user, server.password) == (
        "mail.example.com",
        587,
        "ann@corp",
        "p@ss",
    )
    assert server.starttls and server.sender == "tiers@example.com"
    mailbox = server.mailbox("bob@example.com")
    assert mailbox.shown == "mailto:bob@example.com"
    assert (
        mailbox.url.startswith("mailtos://ann%40corp:p%40ss@mail.example.com:587/?")
        and "mode=starttls" in mailbox.url
    )


def test_unset_means_no_destination():
    settings = Settings.from_env({})
    assert settings.alert_urls == "" and settings.smtp_url == ""
    assert alert_urls(settings.alert_urls) == []
