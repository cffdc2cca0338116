"""Notifications: telling a workspace's people in Slack what needs them (a conversation handed
off to a person, a Kommo sync that failed).

A workspace sets one Slack target: an incoming-webhook URL, or a bot token and a channel (both
encrypted at rest, never returned). Domains below say what happened with events
(`chat.handed_off`, `kommo.sync_failed`); the handlers here (`tasks.py`) send, in the worker, and
record the last delivery's outcome for the status page. `slack.py` is the one Slack client.
"""
