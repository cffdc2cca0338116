"""Parsing in child processes with limits: a hostile file ends with a sentence, the worker lives."""

from __future__ import annotations

import asyncio
import os
import signal
from pathlib import Path

import pytest
from agentplatform.knowledge.documents.parsing import DocumentType, ParseError, detect_type, parse
from agentplatform.knowledge.documents.parsing.sandbox import (
    ParserUnavailable,
    _zygote,
    parse_isolated,
)
from agentplatform.knowledge.documents.parsing.types import ParseLimits

from tests.knowledge.zip_craft import empty_paragraphs_docx, lying_docx

MB = 1024 * 1024
ROOMY = ParseLimits(memory_bytes=1024 * MB, cpu_seconds=60, wall_seconds=60, output_bytes=64 * MB)
MARKDOWN = b"# Returns\n\nItems can be sent back within 30 days.\n\n- keep the receipt\n"


async def _parse(data: bytes, doc_type: DocumentType, **limits: float) -> object:
    chosen = ParseLimits(**{**ROOMY.__dict__, **limits})
    return await parse_isolated(data, doc_type, max_bytes=30 * MB, limits=chosen)


async def _refused(data: bytes, doc_type: DocumentType, **limits: float) -> ParseError:
    with pytest.raises(ParseError) as caught:
        await _parse(data, doc_type, **limits)
    return caught.value


async def test_a_file_parses_in_the_sandbox_as_it_does_in_process() -> None:
    assert await _parse(MARKDOWN, DocumentType.MARKDOWN) == parse(MARKDOWN, DocumentType.MARKDOWN)
    refused = await _refused(b"   ", DocumentType.TEXT)
    assert refused.code == "empty"  # the parser's own refusals come back as they are


async def test_a_docx_that_lies_about_its_size_is_refused_without_inflating_it() -> None:
    liar = lying_docx(real_bytes=200 * MB, declared_bytes=1 * MB)
    assert len(liar) < 1 * MB
    assert detect_type(liar, "liar.docx") is DocumentType.DOCX  # the request only sniffs
    # Inflating the body whole would take more than this; streaming it stops at the lie.
    refused = await _refused(liar, DocumentType.DOCX, memory_bytes=256 * MB)
    assert refused.code == "corrupt", refused.message


async def test_millions_of_empty_paragraphs_are_refused_with_the_reason() -> None:
    refused = await _refused(empty_paragraphs_docx(4_400_000), DocumentType.DOCX)
    assert refused.code == "too-many-paragraphs"
    assert "4,400,000 paragraphs" in refused.message


async def test_each_limit_fails_the_file_with_a_sentence_that_names_it() -> None:
    many_items = b"- item\n" * 200_000
    memory = await _refused(many_items, DocumentType.MARKDOWN, memory_bytes=200 * MB)
    assert memory.code == "memory-limit"
    assert "200.0 MB of memory" in memory.message

    long_text = (b"word " * 20 + b"\n\n") * 200_000
    cpu = await _refused(long_text, DocumentType.TEXT, cpu_seconds=1)
    assert cpu.code == "cpu-limit"
    assert "1 s of processor time" in cpu.message
    wall = await _refused(long_text, DocumentType.TEXT, wall_seconds=0.2)
    assert wall.code == "time-limit"
    output = await _refused(long_text, DocumentType.TEXT, output_bytes=1000)
    assert output.code == "output-limit"

    # The zygote lost only its children: the next file parses.
    assert await _parse(MARKDOWN, DocumentType.MARKDOWN) == parse(MARKDOWN, DocumentType.MARKDOWN)


def _forked(pid: int) -> bool:
    return bool(Path(f"/proc/{pid}/task/{pid}/children").read_text().strip())


async def test_a_killed_zygote_fails_what_it_held_as_passing_and_is_started_again() -> None:
    await _parse(MARKDOWN, DocumentType.MARKDOWN)  # it runs
    process = _zygote._process
    assert process is not None
    slow = asyncio.create_task(_parse((b"word " * 20 + b"\n\n") * 400_000, DocumentType.TEXT))
    deadline = asyncio.get_running_loop().time() + 60
    while not _forked(process.pid):  # the zygote has the whole file and forked to parse it
        assert not slow.done(), "the file was parsed before the zygote could be killed"
        assert asyncio.get_running_loop().time() < deadline, "the zygote never took the file"
        await asyncio.sleep(0.005)
    os.kill(process.pid, signal.SIGKILL)
    with pytest.raises((ParserUnavailable, ParseError)):
        await slow
    assert await _parse(MARKDOWN, DocumentType.MARKDOWN) == parse(MARKDOWN, DocumentType.MARKDOWN)
    assert _zygote._process is not process
