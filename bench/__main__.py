"""Runs every benchmark; `python -m bench --help` lists the options."""

from __future__ import annotations

import argparse
from pathlib import Path

from bench import api_overhead, chat_turn, knowledge, kommo_intake, retrieval, worker_memory


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument(
        "--only",
        choices=["api", "chat", "intake", "knowledge", "memory", "retrieval"],
        help="run one benchmark",
    )
    parser.add_argument("--seconds", type=int, default=10, help="API: wrk duration per row")
    parser.add_argument("--connections", type=int, default=32, help="API: wrk connections")
    parser.add_argument("--threads", type=int, default=2, help="API: wrk threads")
    parser.add_argument(
        "--intake-connections", type=int, default=50, help="intake: wrk connections (senders)"
    )
    parser.add_argument("--tenant-chunks", type=int, default=100_000, help="search: tenant size")
    parser.add_argument("--total-chunks", type=int, default=500_000, help="search: table size")
    parser.add_argument("--queries", type=int, default=100, help="search: queries per mode")
    parser.add_argument(
        "--vectors",
        choices=["topics", "islands"],
        default="topics",
        help="search: synthetic embeddings (see bench.knowledge.VectorSource)",
    )
    parser.add_argument("--paragraphs", type=int, default=400, help="ingestion: document size")
    parser.add_argument("--turns", type=int, default=100, help="chat: sequential turns per row")
    parser.add_argument(
        "--chat-connections", type=int, default=4, help="chat: wrk connections of the loaded run"
    )
    parser.add_argument(
        "--profile", type=Path, help="chat: py-spy's collapsed stacks of the loaded run, to here"
    )
    args = parser.parse_args()
    if args.only in (None, "api"):
        api_overhead.run(seconds=args.seconds, connections=args.connections, threads=args.threads)
    if args.only in (None, "intake"):
        kommo_intake.run(
            seconds=args.seconds, connections=args.intake_connections, threads=args.threads
        )
    if args.only in (None, "chat"):
        chat_turn.run(
            turns=args.turns,
            seconds=args.seconds,
            connections=args.chat_connections,
            profile=args.profile,
        )
    if args.only in (None, "knowledge"):
        knowledge.run(
            tenant_chunks=args.tenant_chunks,
            total_chunks=args.total_chunks,
            paragraphs=args.paragraphs,
            rounds=args.queries,
            vectors=args.vectors,
        )
    if args.only in (None, "memory"):
        worker_memory.run()
    if args.only in (None, "retrieval"):
        retrieval.run()


if __name__ == "__main__":
    main()
