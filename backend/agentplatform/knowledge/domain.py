"""The knowledge base as the app and the worker see it (see the package's docstring)."""

from arq import cron, func

from agentplatform.ai.events import AI_SETTINGS_CHANGED
from agentplatform.core.domain import Domain
from agentplatform.knowledge.deps import KNOWLEDGE_READ, KNOWLEDGE_WRITE
from agentplatform.knowledge.documents import models as documents_models
from agentplatform.knowledge.documents import tasks as documents_tasks
from agentplatform.knowledge.documents.router import router as documents_router
from agentplatform.knowledge.graph import models as graph_models
from agentplatform.knowledge.graph import tasks as graph_tasks
from agentplatform.knowledge.graph.jobs import EXTRACTION
from agentplatform.knowledge.graph.router import router as graph_router
from agentplatform.knowledge.index import models as index_models
from agentplatform.knowledge.index import tasks as index_tasks
from agentplatform.knowledge.index.indexing import INDEXING
from agentplatform.knowledge.index.reembedding import REEMBEDDING
from agentplatform.knowledge.index.router import router as index_router
from agentplatform.knowledge.search.router import router as search_router

DOMAIN = Domain(
    name="knowledge",
    routers=(documents_router, index_router, search_router, graph_router),
    models=(documents_models, index_models, graph_models),
    functions=(
        func(index_tasks.index_next_document, name="index_next_document", timeout=1800),
        func(index_tasks.reembed_knowledge, name="reembed_knowledge", timeout=3600),
        func(graph_tasks.extract_knowledge_graph, name="extract_knowledge_graph", timeout=1800),
    ),
    cron_jobs=(
        cron(
            index_tasks.recheck_knowledge,
            name="recheck_knowledge",
            minute=set(range(5, 60, 10)),  # every ten minutes, off the work sweep's minute
            second=30,
            unique=True,
            timeout=300,
        ),
        cron(
            graph_tasks.tend_knowledge_graph,
            name="tend_knowledge_graph",
            second=15,  # every minute, off the work sweep's second
            unique=True,
            timeout=120,
        ),
        cron(
            documents_tasks.sweep_stored_files,
            name="sweep_stored_files",
            minute=47,  # hourly, off the other sweeps' minutes
            second=45,
            unique=True,
            timeout=900,
        ),
    ),
    scopes=(KNOWLEDGE_READ, KNOWLEDGE_WRITE),
    work_kinds=(INDEXING, EXTRACTION, REEMBEDDING),
    handlers=((AI_SETTINGS_CHANGED, index_tasks.follow_embedding_settings),),
    upload_paths=("/knowledge/documents", "/knowledge/documents/text"),
)
