"""Fakes of the outside world (Slack's Web API, the Bot Connector), run as real local HTTP servers."""
