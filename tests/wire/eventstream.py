"""The AWS event-stream binary framing, encoded by hand so botocore's decoder is what the tests exercise.

message = prelude (total length, headers length: uint32 big-endian) + prelude CRC32
          + headers (name length uint8, name, type 7 = string, value length uint16, value) + payload
          + message CRC32 over everything before it.
"""
from __future__ import annotations

import struct
import zlib

STRING_HEADER = 7


def encode_headers(headers: dict[str, str]) -> bytes:
    out = b""
    for name, value in headers.items():
        name_bytes, value_bytes = name.encode(), value.encode()
        out += struct.pack(">B", len(name_bytes)) + name_bytes
        out += struct.pack(">BH", STRING_HEADER, len(value_bytes)) + value_bytes
    return out


def encode_message(headers: dict[str, str], payload: bytes, *, corrupt_crc: bool = False) -> bytes:
    header_bytes = encode_headers(headers)
    total = 12 + len(header_bytes) + len(payload) + 4
    prelude = struct.pack(">II", total, len(header_bytes))
    body = prelude + struct.pack(">I", zlib.crc32(prelude)) + header_bytes + payload
    crc = zlib.crc32(body)
    if corrupt_crc:
        crc ^= 0xFFFFFFFF
    return body + struct.pack(">I", crc)


def corrupt(message: bytes) -> bytes:
    """The same message with its final CRC flipped, as a bit error on the wire would leave it."""
    return message[:-4] + bytes(b ^ 0xFF for b in message[-4:])
