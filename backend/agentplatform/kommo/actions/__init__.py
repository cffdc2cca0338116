"""The agent's actions in Kommo: `KommoGateway` (the chat domain's `CrmGateway`), the lead's
facts for the context, and replies to the client (`reply.send_reply`)."""
