"""Write the API's OpenAPI schema, the input of the SPA's generated client.

`python -m agentplatform.openapi [OUT]` writes to OUT (default: standard output). The app is built
without its resources, so no database or Redis is needed; keys are sorted so the file only changes
when the API does (`make client` regenerates it and the client, a test proves both are current).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from agentplatform.core.settings import Settings
from agentplatform.main import create_app


def openapi_schema() -> dict[str, Any]:
    settings = Settings(
        env="development",
        database_url="postgresql://unused/x",
        redis_url="redis://unused",
        _env_file=None,  # a local .env must not change the schema
    )
    return create_app(settings, manage_resources=False).openapi()


def render(schema: dict[str, Any]) -> str:
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) > 1 or (args and args[0] in {"-h", "--help"}):
        print("usage: python -m agentplatform.openapi [OUT]", file=sys.stderr)
        return 2
    text = render(openapi_schema())
    if not args or args[0] == "-":
        sys.stdout.write(text)
        return 0
    out = Path(args[0])
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
