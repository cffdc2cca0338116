"""Runs every benchmark; `python -m bench --help` lists the options."""

from __future__ import annotations

import argparse

from bench import api_overhead


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--requests", type=int, default=2000, help="requests per scenario")
    parser.add_argument("--concurrency", type=int, default=16, help="requests in flight")
    args = parser.parse_args()
    api_overhead.run(requests=args.requests, concurrency=args.concurrency)


if __name__ == "__main__":
    main()
