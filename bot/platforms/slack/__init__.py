"""Slack through slack-bolt: slash commands, buttons, HTTP or Socket Mode."""
