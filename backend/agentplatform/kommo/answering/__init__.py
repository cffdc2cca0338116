"""From a customer's message in Kommo to the agent's answer there: which agent serves the lead
(`serving`), the message stored on its conversation (`intake`), and the answer written and sent,
one conversation at a time (`replying`)."""
