"""The reader's rejection signal and its clock: helpers raise, ``ingest`` turns it into a record."""

from __future__ import annotations

import time

from docpipe.records import ErrorCode


class ReadError(Exception):
    """A file we refuse to read, with the code and the clerk-facing message to report."""

    def __init__(self, code: ErrorCode, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class Deadline:
    """Wall-clock budget for one file; loops call ``check`` so no file can stall a batch."""

    __slots__ = ("_end", "seconds")

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._end = time.monotonic() + seconds

    def check(self) -> None:
        if time.monotonic() > self._end:
            raise ReadError(
                ErrorCode.TIMEOUT,
                f"Reading this document took longer than {self.seconds:g} s and was stopped. "
                "Open it in Word or WPS, save it again as .docx (removing very large tables or "
                "objects) and submit again. 文档读取超时，请另存后重新提交。",
            )
