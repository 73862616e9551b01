#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Writes the tiny safetensors fixtures of tests/test-models.c.

Standard library only (struct, json, math); no network, no torch. The
values are 0.02 * sin(0.37 * i + 0.01 * numel) for element i of a tensor,
so a test can recompute any of them. Run from this directory:
    python3 make-fixtures.py
"""
import json
import math
import struct

V, P, T, H, I, L = 101, 40, 2, 16, 24, 2   # tiny-bert/config.json


def bert_tensors(prefix="bert."):
    t = [
        ("embeddings.word_embeddings.weight", [V, H]),
        ("embeddings.position_embeddings.weight", [P, H]),
        ("embeddings.token_type_embeddings.weight", [T, H]),
        ("embeddings.LayerNorm.weight", [H]),
        ("embeddings.LayerNorm.bias", [H]),
    ]
    for i in range(L):
        p = f"encoder.layer.{i}."
        for n in ("query", "key", "value"):
            t += [(p + f"attention.self.{n}.weight", [H, H]), (p + f"attention.self.{n}.bias", [H])]
        t += [
            (p + "attention.output.dense.weight", [H, H]),
            (p + "attention.output.dense.bias", [H]),
            (p + "attention.output.LayerNorm.weight", [H]),
            (p + "attention.output.LayerNorm.bias", [H]),
            (p + "intermediate.dense.weight", [I, H]),
            (p + "intermediate.dense.bias", [I]),
            (p + "output.dense.weight", [H, I]),
            (p + "output.dense.bias", [H]),
            (p + "output.LayerNorm.weight", [H]),
            (p + "output.LayerNorm.bias", [H]),
        ]
    t += [("pooler.dense.weight", [H, H]), ("pooler.dense.bias", [H])]
    return [(prefix + n, s) for n, s in t]


def values(shape):
    n = math.prod(shape)
    return [0.02 * math.sin(0.37 * i + 0.01 * n) for i in range(n)]


def f32_to_bf16(x):
    bits = struct.unpack("<I", struct.pack("<f", x))[0]
    return (bits + 0x7FFF + ((bits >> 16) & 1)) >> 16   # round to nearest even


def encode(dtype, vals):
    if dtype == "F32":
        return struct.pack(f"<{len(vals)}f", *vals)
    if dtype == "F16":
        return struct.pack(f"<{len(vals)}e", *vals)
    if dtype == "BF16":
        return struct.pack(f"<{len(vals)}H", *[f32_to_bf16(v) for v in vals])
    if dtype == "F64":
        return struct.pack(f"<{len(vals)}d", *vals)
    if dtype == "I64":
        return struct.pack(f"<{len(vals)}q", *[int(v * 1000) for v in vals])
    raise ValueError(dtype)


def write(path, tensors, dtype_of=lambda name: "F32", shape_of=lambda name, s: s):
    header, blobs, offset = {"__metadata__": {"format": "pt"}}, [], 0
    for name, shape in tensors:
        dtype = dtype_of(name)
        blob = encode(dtype, values(shape))
        header[name] = {"dtype": dtype, "shape": shape_of(name, shape),
                        "data_offsets": [offset, offset + len(blob)]}
        blobs.append(blob)
        offset += len(blob)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)   # keep the data 8-byte aligned, as safetensors does
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))


tensors = bert_tensors()
# an unrelated tensor, as real checkpoints carry task heads: must be ignored
extra = tensors + [("cls.predictions.bias", [V])]
write("tiny-bert/model.safetensors", extra)
write("tiny-bert/model-f16.safetensors", extra,
      dtype_of=lambda n: "BF16" if "LayerNorm" in n else ("F64" if n.endswith("pooler.dense.bias") else "F16"))
write("broken/missing-tensor.safetensors",
      [t for t in tensors if t[0] != "bert.encoder.layer.1.output.dense.weight"])
write("broken/wrong-shape.safetensors",
      [(n, [H, 8]) if n == "bert.pooler.dense.weight" else (n, s) for n, s in tensors])
write("broken/int-weights.safetensors", tensors,
      dtype_of=lambda n: "I64" if n == "bert.embeddings.LayerNorm.bias" else "F32")

with open("broken/truncated.safetensors", "wb") as f:
    f.write(struct.pack("<Q", 4096) + b'{"a":')
with open("broken/not-json.safetensors", "wb") as f:
    body = b"this is not json"
    f.write(struct.pack("<Q", len(body)) + body)
with open("broken/short.safetensors", "wb") as f:
    f.write(b"\x01\x02\x03")
with open("broken/bad-offsets.safetensors", "wb") as f:
    head = json.dumps({"x": {"dtype": "F32", "shape": [4], "data_offsets": [0, 64]}}).encode()
    f.write(struct.pack("<Q", len(head)) + head + b"\0" * 16)
