"""Peer figure for the engine's AdamW step (issue 14, goal 4): torch.optim.AdamW on the tensors of
the SmolLM2-135M shape (134.5 M float32 parameters), weight decay 0.01, 2 threads; for-loop,
foreach and fused implementations; median of 10 timed steps after 2 warm-up steps.
Python is no dependency of the project: run it from a venv of the machine's wheelhouse,
    python scripts/peer/torch_adamw.py
and compare with OptimizerBenchmarkTest run right after it."""
import statistics
import time

import torch

torch.set_num_threads(2)
torch.manual_seed(0)
H, L, I, V, KV = 576, 30, 1536, 49152, 192
shapes = [(V, H)]  # tied embedding / head
for _ in range(L):
    shapes += [(H, H), (KV, H), (KV, H), (H, H), (I, H), (I, H), (H, I), (H,), (H,)]
shapes.append((H,))
params = [torch.nn.Parameter(torch.randn(s) * 0.02) for s in shapes]
print("parameters:", sum(p.numel() for p in params))
for p in params:
    p.grad = torch.randn_like(p) * 1e-3

for impl in ("for-loop", "foreach", "fused"):
    kw = {"foreach": impl == "foreach", "fused": impl == "fused"}
    if impl == "for-loop":
        kw = {"foreach": False}
    opt = torch.optim.AdamW(params, lr=1e-4, weight_decay=0.01, **kw)
    times = []
    for i in range(12):
        t0 = time.perf_counter()
        opt.step()
        dt = time.perf_counter() - t0
        if i >= 2:
            times.append(dt)
    print(f"torch.optim.AdamW {impl}: median {statistics.median(times):.3f} s per step "
          f"(steps {', '.join(f'{t:.3f}' for t in times)})")
    del opt
