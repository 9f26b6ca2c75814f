"""Rendering: an ``Explanation`` into what a surface shows, through one strict Jinja2 environment per surface.

- ``text``       plain text (CLI, terminal chat)
- ``slack``      Slack Block Kit messages built with slack_sdk's models
- ``teams``      Microsoft Teams Adaptive Cards (schema 1.5) as plain data, for botbuilder's ``CardFactory``
- ``views``      the default (short) and full views every surface shows
- ``contract``   the JSON machine contracts of ``herbot classify --json`` and ``herbot ask --json``
- ``citations``  the numbered citations every surface shares
- ``environment`` the Jinja2 environment factory and the Slack mrkdwn and Teams markdown escaping filters
"""
