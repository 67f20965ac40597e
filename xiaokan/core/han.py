"""What is a Chinese character (a Han ideograph): one definition for the slug, the reading time, the
search copy and the typesetter. CJK Unified Ideographs, Extension A and the compatibility ideographs;
punctuation and kana are not ideographs (the line-breaking rules of paper/cjklayout name their own).
One definition is also one regular expression compiled: a class of 28,000 characters costs Python's
compiler ~3 ms each time, in every process."""
from __future__ import annotations

import re

HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"   # (for a class of one's own: f"[{HAN}A-Za-z]")
HAN_CHAR = re.compile(f"[{HAN}]")
HAN_RUN = re.compile(f"[{HAN}]+")
