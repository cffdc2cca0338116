"""The Slack messages a workspace receives: plain `text` (notifications, webhooks without
blocks) and the same in blocks. Everything from people or Kommo is escaped and clipped."""

from __future__ import annotations

from agentplatform.notifications.slack import SlackMessage, escape

_CLIP = 1500  # a section's text may hold 3000 characters


def _clip(text: str, limit: int = _CLIP) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _section(markdown: str) -> dict[str, object]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": markdown}}


def handoff_message(
    workspace: str,
    reason: str,
    *,
    title: str | None = None,
    summary: str | None = None,
    lead_id: str | None = None,
) -> SlackMessage:
    text = f"A conversation in {workspace} needs a person: {_clip(reason, 300)}"
    lines = [
        f"*A conversation needs a person* in _{escape(workspace)}_",
        f"*Reason:* {escape(_clip(reason))}",
    ]
    if title:
        lines.append(f"*Conversation:* {escape(_clip(title, 200))}")
    if lead_id:
        lines.append(f"*Kommo lead:* {escape(lead_id)}")
    blocks = [_section("\n".join(lines))]
    if summary:
        blocks.append(_section(f"*Summary:* {escape(_clip(summary))}"))
    return SlackMessage(text=text, blocks=blocks)


def sync_failed_message(workspace: str, kind: str, reason: str) -> SlackMessage:
    what = kind.replace("_", " ")
    return SlackMessage(
        text=f"The Kommo sync of {what} failed in {workspace}: {_clip(reason, 300)}",
        blocks=[
            _section(
                f"*Kommo sync failed* in _{escape(workspace)}_: {escape(what)}\n"
                f"*Why:* {escape(_clip(reason))}"
            )
        ],
    )
