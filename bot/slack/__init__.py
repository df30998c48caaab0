"""The Slack app: Bolt listeners in front of the answer and jargon cores.

`bot.slack.app.build_app(settings, slack_settings)` builds it; `cio-coach serve` runs it.
"""
