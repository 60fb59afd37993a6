"""Alerts after each night's publishing: which tier moves alert (rules.py, from the policy's `alerts:` section),
the digest and owner e-mail texts (digest.py), where they go (destinations.py: TIERS_ALERT_URLS, TIERS_SMTP_URL)
and the sending with apprise (send.py); nightly.py ties them together for the alert step."""
