"""The problems a webhook delivery may answer (RFC 9457, `core.errors`)."""

from __future__ import annotations

from agentplatform.core.errors import BadRequest, Forbidden, ProblemError


class WebhookBodyRejected(BadRequest):
    code = "kommo-webhook-rejected"
    title = "The webhook body cannot be read"


class WebhookAccountMismatch(Forbidden):
    code = "kommo-webhook-account-mismatch"
    title = "The webhook is from another Kommo account"


class WebhookSignatureRejected(ProblemError):
    status = 401
    code = "kommo-webhook-signature-rejected"
    title = "The webhook signature does not match"
