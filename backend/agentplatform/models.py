"""Imports every domain's ORM models so that Alembic and the schema test see the whole metadata."""

from agentplatform.core.db import Base
from agentplatform.tenancy import models as tenancy_models

__all__ = ["Base", "tenancy_models"]
