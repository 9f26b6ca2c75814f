"""Rendering: an ``Explanation`` into what a surface shows, through one strict Jinja2 environment per surface.

- ``text``       plain text (CLI, terminal chat)
- ``slack``      Slack Block Kit messages built with slack_sdk's models
- ``contract``   the JSON machine contracts of ``herbot classify --json`` and ``herbot ask --json``
- ``citations``  the numbered citations every surface shares
- ``environment`` the Jinja2 environment factory and the Slack mrkdwn escaping filter
"""
