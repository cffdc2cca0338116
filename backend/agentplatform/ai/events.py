"""Events the AI domain emits (see `core.events`); every payload carries `tenant_id`."""

#: The workspace's AI settings or providers changed: the models it resolves to may be others.
AI_SETTINGS_CHANGED = "ai.settings_changed"
