"""Where alerts go: the Apprise URLs of TIERS_ALERT_URLS (the nightly digest) and the SMTP server of
TIERS_SMTP_URL (one e-mail per owner), read, checked and shown without their secrets."""

from dataclasses import dataclass
from urllib.parse import parse_qs, quote, unquote, urlencode, urlsplit

SMTP_FORM = "smtp://[user:password@]host:port?from=ADDRESS[&starttls=1]"
SENDER_NAME = "Customer tiers"


@dataclass(frozen=True)
class Destination:
    url: str  # an Apprise URL, secrets included: never printed or stored
    shown: str  # the same without its secrets, for tables and logs
    secrets: tuple[str, ...] = ()  # texts to mask wherever an error might repeat them


@dataclass(frozen=True)
class SmtpServer:
    host: str
    port: int
    sender: str
    user: str | None
    password: str | None
    starttls: bool

    def mailbox(self, address: str) -> Destination:
        """The Apprise e-mail URL sending to `address` through this server, plain text."""
        secure = "mailtos" if self.starttls else "mailto"
        login = f"{quote(self.user, safe='')}:{quote(self.password or '', safe='')}@" if self.user else ""
        query = {"smtp": self.host, "from": self.sender, "to": address, "name": SENDER_NAME, "format": "text"}
        if self.starttls:
            query["mode"] = "starttls"
        url = f"{secure}://{login}{self.host}:{self.port}/?{urlencode(query, quote_via=quote)}"
        return Destination(url, f"mailto:{address}", (url, *((self.password,) if self.password else ())))


def alert_urls(text: str) -> list[Destination]:
    """The comma-separated Apprise URLs of TIERS_ALERT_URLS (none for an empty text); ValueError naming the entry (by position and
    scheme, never its secrets) that Apprise does not take."""
    import apprise

    out = []
    for n, url in enumerate((part.strip() for part in text.split(",") if part.strip()), start=1):
        plugin = apprise.Apprise.instantiate(url, suppress_exceptions=True)
        if plugin is None:
            scheme = url.partition("://")[0] if "://" in url else ""
            raise ValueError(
                f"comma-separated Apprise URLs such as slack://TOKEN_A/TOKEN_B/TOKEN_C or json://host/path; "
                f"entry {n} ({f'scheme {scheme}' if scheme else 'no scheme://'}) is not one"
            )
        out.append(Destination(url, shown_url(plugin), (url,)))
    return out


def shown_url(plugin) -> str:
    """An Apprise plugin's URL with its secrets masked (Apprise's privacy mode), less its query options."""
    return plugin.url(privacy=True).split("?")[0].rstrip("/")


def smtp_server(text: str) -> SmtpServer:
    """The server of TIERS_SMTP_URL; ValueError saying what is wrong (never the password)."""
    parts = urlsplit(text)
    query = parse_qs(parts.query, keep_blank_values=True)

    def wrong(problem: str) -> ValueError:
        return ValueError(f"{SMTP_FORM} ({problem})")

    if parts.scheme != "smtp":
        raise wrong("the scheme must be smtp://")
    try:
        port = parts.port
    except ValueError:
        port = None
    if not parts.hostname or port is None:
        raise wrong("give the host and the port")
    unknown = sorted(set(query) - {"from", "starttls"})
    if unknown:
        raise wrong(f"unknown option {', '.join(unknown)}")
    sender = query.get("from", [""])[-1]
    if "@" not in sender:
        raise wrong("from= must be the sender's e-mail address")
    starttls = query.get("starttls", ["0"])[-1]
    if starttls not in ("0", "1"):
        raise wrong("starttls must be 0 or 1")
    user, password = (unquote(part) if part else None for part in (parts.username, parts.password))
    return SmtpServer(parts.hostname, port, sender, user, password, starttls == "1")
