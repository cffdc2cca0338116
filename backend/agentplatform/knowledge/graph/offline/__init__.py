"""The offline graph extractor: patterns and rules, no model (see `extractor`)."""

from agentplatform.knowledge.graph.offline.extractor import extract_offline, find_entities

__all__ = ["extract_offline", "find_entities"]
