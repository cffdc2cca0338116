"""Tenancy: tenants, users and sign-in, members and invitations, API keys, feature flags."""

from agentplatform.core.domain import Domain
from agentplatform.tenancy import models
from agentplatform.tenancy.router import api_router
from agentplatform.tenancy.scopes import TENANCY_SCOPES

DOMAIN = Domain(name="tenancy", routers=(api_router,), models=(models,), scopes=TENANCY_SCOPES)
