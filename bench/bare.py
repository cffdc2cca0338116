"""The API benchmark's baseline: one empty FastAPI route, served exactly as `agentplatform api`
serves the real app (same `cli.serve`, same uvicorn options, HOST/PORT from the environment)."""

from __future__ import annotations

from fastapi import FastAPI, Request

app = FastAPI()


@app.get("/empty")
async def empty() -> dict[str, str]:
    return {"status": "ok"}


@app.post("/empty")
async def empty_post(request: Request) -> dict[str, int]:
    """The webhook bench's baseline: reads the body, as a webhook route must."""
    return {"bytes": len(await request.body())}


def main() -> None:
    from agentplatform.cli import serve
    from agentplatform.core.settings import Settings

    serve("bench.bare:app", Settings(), factory=False)


if __name__ == "__main__":
    main()
