"""The file memo: one bounded place for what the kit remembers of files (digests of forms and evidence)."""

import io

from kit.app import fingerprint
from kit.core.filememo import FileMemo, sha256
from kit.intake import evidence


def test_a_value_is_computed_once_per_stamp_and_the_memo_keeps_a_bounded_number():
    calls = []
    memo: FileMemo[int] = FileMemo(size=3)

    def compute(n: int):
        return lambda: calls.append(n) or n

    assert memo.get("a", (1, 1), compute(1)) == 1 and memo.get("a", (1, 1), compute(99)) == 1
    assert memo.get("a", (2, 1), compute(2)) == 2  # the file changed: computed again, replaced
    for key in "bcde":
        memo.get(key, (1, 1), compute(0))
    assert len(memo) == 3 and calls == [1, 2, 0, 0, 0, 0]
    assert memo.get("a", (2, 1), compute(3)) == 3  # the least recently used went first


def test_both_digest_caches_are_bounded_memos_and_hash_in_chunks(tmp_path):
    assert isinstance(fingerprint._seen, FileMemo) and isinstance(evidence._DIGESTS, FileMemo)
    assert fingerprint._seen.size <= 4096 and evidence._DIGESTS.size <= 4096
    data = b"x" * (3 << 20)
    assert sha256(io.BytesIO(data)).hexdigest() == __import__("hashlib").sha256(data).hexdigest()
    path = tmp_path / "f.bin"
    path.write_bytes(data)
    first = fingerprint._content_digest(path)
    path.write_bytes(data + b"y")
    assert fingerprint._content_digest(path) != first
