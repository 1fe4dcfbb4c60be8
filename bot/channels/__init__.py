"""Channels beyond Telegram for urgent alerts: WeCom, DingTalk and Feishu group robots, SMS
and voice through an HTTP gateway, and e-mail over SMTP.

``config`` reads `CHANNELS_FILE` (URLs, secrets, credentials — never in the policy file,
never logged); ``senders`` turns one masked message into the vendor's request and reports
whether it went out, and whether a failure is worth retrying.
"""
