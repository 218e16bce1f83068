"""Builds the GGUF reference fixtures the Java GGUF tests compare against (needs: gguf, numpy).

Run from the repository root:
    python libs/llm/src/test/python/make_gguf_fixtures.py

gguf is llama.cpp's own Python package (gguf-py); its Q8_0/Q4_0 quantizers are documented as
bit-exact with ggml's reference C code. It writes, under libs/llm/src/test/resources/gguf/:
  quants.json         float32 inputs and gguf-py's F16, Q8_0 and Q4_0 encodings of them
  gguf-py-written.gguf a small GGUF v3 file written by gguf-py's GGUFWriter (every metadata type,
                       arrays, F32/F16/Q8_0/Q4_0 tensors) and expected.json describing it
The Java tests never run Python.
"""
import base64
import json
import pathlib

import gguf
import numpy as np

OUT = pathlib.Path(__file__).resolve().parent.parent / "resources" / "gguf"
OUT.mkdir(parents=True, exist_ok=True)


def b64(a: np.ndarray) -> str:
    return base64.b64encode(np.ascontiguousarray(a).tobytes()).decode()


rng = np.random.default_rng(20261130)
# 8 rows of 64: normal values, a zero block, exact halves after scaling, one huge outlier per block
x = rng.normal(0, 0.5, size=(8, 64)).astype(np.float32)
x[1, :32] = 0
x[2, :32] = np.linspace(-127, 127, 32, dtype=np.float32) / 127 * 3.0 + 0.5 / 127 * 3.0
x[3, 5] = 40.0
x[4, 40] = -40.0
quants = {"gguf_version": getattr(gguf, "__version__", "unknown"), "shape": list(x.shape), "f32": b64(x)}
quants["f16"] = b64(x.astype(np.float16))
for name, qt in (("q8_0", gguf.GGMLQuantizationType.Q8_0), ("q4_0", gguf.GGMLQuantizationType.Q4_0)):
    q = gguf.quants.quantize(x, qt)
    quants[name] = b64(q)
    quants[name + "_dequantized"] = b64(gguf.quants.dequantize(q, qt).astype(np.float32))
(OUT / "quants.json").write_text(json.dumps(quants, indent=1) + "\n")

# A small file written by gguf-py's writer.
path = OUT / "gguf-py-written.gguf"
w = gguf.GGUFWriter(str(path), "llama")
w.add_uint8("test.u8", 200)
w.add_int8("test.i8", -100)
w.add_uint16("test.u16", 60000)
w.add_int16("test.i16", -30000)
w.add_uint32("test.u32", 4000000000)
w.add_int32("test.i32", -2000000000)
w.add_uint64("test.u64", 2**40 + 3)
w.add_int64("test.i64", -(2**40) - 3)
w.add_float32("test.f32", 0.1)
w.add_float64("test.f64", 0.1)
w.add_bool("test.bool", True)
w.add_string("test.string", "héllo, GGUF ✓")
w.add_array("test.strings", ["a", "", "Ġthe"])
w.add_array("test.ints", [1, -2, 3])
w.add_array("test.floats", [0.5, -1.25])
w.add_context_length(128)
tensors = {
    "t.f32": (x[:2], gguf.GGMLQuantizationType.F32),
    "t.f16": (x[:2].astype(np.float16), gguf.GGMLQuantizationType.F16),
    "t.q8_0": (gguf.quants.quantize(x[:4], gguf.GGMLQuantizationType.Q8_0), gguf.GGMLQuantizationType.Q8_0),
    "t.q4_0": (gguf.quants.quantize(x[4:], gguf.GGMLQuantizationType.Q4_0), gguf.GGMLQuantizationType.Q4_0),
    "t.vec": (np.arange(5, dtype=np.float32), gguf.GGMLQuantizationType.F32),
}
for name, (data, qt) in tensors.items():
    w.add_tensor(name, data, raw_dtype=qt)
w.write_header_to_file()
w.write_kv_data_to_file()
w.write_tensors_to_file()
w.close()
expected = {
    "tensors": {
        "t.f32": {"torch_shape": [2, 64], "type": "F32", "rows": [0, 2]},
        "t.f16": {"torch_shape": [2, 64], "type": "F16", "rows": [0, 2]},
        "t.q8_0": {"torch_shape": [4, 64], "type": "Q8_0", "rows": [0, 4]},
        "t.q4_0": {"torch_shape": [4, 64], "type": "Q4_0", "rows": [4, 8]},
        "t.vec": {"torch_shape": [5], "type": "F32", "values": list(range(5))},
    }
}
(OUT / "gguf-py-written.json").write_text(json.dumps(expected, indent=1) + "\n")
print("wrote", sorted(p.name for p in OUT.iterdir()))
