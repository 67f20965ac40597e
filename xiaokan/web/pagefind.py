"""Pagefind as a service: one `pagefind --service` process, given pages from memory.

Pagefind's command line indexes a folder of files, so every page had to be written out as a copy
and read back; its service mode (the protocol its Node and Python packages speak) takes each page's
HTML over a pipe. The Python package waits 0.1 s between reading answers (100 s for 1,000 pages),
so this is the protocol itself: each request a base64-encoded JSON object followed by a comma, on
standard input; the answers, in the same form, on standard output. All of an index's requests are
sent at once and their answers read by a thread, so Pagefind never waits for us.
"""
from __future__ import annotations

import base64
import json
import queue
import subprocess
import threading

from ..core.i18n import _

TIMEOUT = 600   # seconds to wait for any one answer


class PagefindError(RuntimeError):
    pass


class PagefindService:
    """A running Pagefind service; index() builds one bundle at a time. Use it in a `with`."""

    def __init__(self, language: str):
        from pagefind_bin import get_executable

        self.language = language
        self._process = subprocess.Popen([str(get_executable()), "--service"], stdin=subprocess.PIPE,
                                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self._answers: queue.Queue = queue.Queue()
        self._next_id = 0
        threading.Thread(target=self._read_answers, daemon=True).start()

    def __enter__(self) -> PagefindService:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        try:
            self._process.stdin.close()
        except OSError:
            pass
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()

    def bundle(self, pages: dict[str, str]) -> dict[str, bytes]:
        """Index pages (url -> HTML) into a Pagefind bundle: its files, path -> bytes."""
        [created] = self._ask([{"type": "NewIndex", "config": {"force_language": self.language}}])
        index_id = created["index_id"]
        # (GetFiles, not WriteFiles: Pagefind writes with tokio's File and answers before the last write
        # has reached the disk, so a clean build once read a pagefind.js cut short)
        *_added, got = self._ask([{"type": "AddFile", "index_id": index_id, "url": url, "file_path": None,
                                   "file_contents": html} for url, html in pages.items()]
                                 + [{"type": "GetFiles", "index_id": index_id},
                                    {"type": "DeleteIndex", "index_id": index_id}])[:-1]
        return {file["path"]: base64.b64decode(file["content"]) for file in got["files"]}

    def _ask(self, payloads: list[dict]) -> list[dict]:
        """Send every request, then collect one answer for each; raise on Pagefind's first error."""
        first = self._next_id + 1
        data = bytearray()
        for payload in payloads:
            self._next_id += 1
            message = json.dumps({"message_id": self._next_id, "payload": payload}, ensure_ascii=False)
            data += base64.b64encode(message.encode("utf-8")) + b","   # (as UTF-8: a \\uXXXX escape is twice as long)
        # (written by a thread: a Pagefind that stops reading must not hang the build, only time out)
        writer = threading.Thread(target=self._send, args=(bytes(data),), daemon=True)
        writer.start()
        answers: dict[int, dict] = {}
        try:
            while len(answers) < len(payloads):
                try:
                    answer = self._answers.get(timeout=TIMEOUT)
                except queue.Empty:
                    raise PagefindError(_('pagefind did not answer within {seconds} s').format(seconds=TIMEOUT)) from None
                if answer is None:
                    raise PagefindError(_('pagefind stopped (exit code {code})').format(code=self._process.poll()))
                payload = answer.get("payload") or {}
                if payload.get("type") == "Error":
                    raise PagefindError(payload.get("message") or _('pagefind reported an error'))
                if isinstance(answer.get("message_id"), int) and answer["message_id"] >= first:
                    answers[answer["message_id"]] = payload
        except PagefindError:
            self._process.kill()   # (which also ends a write it does not read)
            raise
        writer.join()
        return [answers[n] for n in range(first, first + len(payloads))]

    def _send(self, data: bytes) -> None:
        try:
            self._process.stdin.write(data)
            self._process.stdin.flush()
        except OSError:   # the process has stopped: the reader sees its output end and says so
            pass

    def _read_answers(self) -> None:
        pending = b""
        stream = self._process.stdout
        try:
            while chunk := stream.read1(1 << 16):
                pending += chunk
                *messages, pending = pending.split(b",")
                for message in messages:
                    self._answers.put(json.loads(base64.b64decode(message)))
        except (OSError, ValueError):
            pass
        self._answers.put(None)   # end of output: the process has stopped
