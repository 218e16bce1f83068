"""Produces the reference fixtures committed under src/test/resources/fixtures/.

Run once with the local wheelhouse (torch + transformers); the Java tests only read the JSON
files this writes and never need Python:
    /work/venv-ref/bin/python libs/llm/src/test/python/make_train_fixtures.py libs/llm/src/test/resources/fixtures

bitsandbytes itself is not installable here (no wheel in the local wheelhouse), so the NF4
fixture runs bitsandbytes' published *default (pure PyTorch) backend* algorithm, restated below
from bitsandbytes/backends/default/ops.py and functional.py: same table, blocks, argmin rounding,
high-nibble-first packing, and double quantization (absmax - mean, dynamic 8-bit map, blocks of 256).
"""
import base64, json, math, sys
import torch
from transformers.optimization import (get_constant_schedule_with_warmup,
                                       get_cosine_schedule_with_warmup,
                                       get_linear_schedule_with_warmup)

out = sys.argv[1]

def b64f32(t):
    return base64.b64encode(t.detach().to(torch.float32).contiguous().numpy().tobytes()).decode()

def b64u8(t):
    return base64.b64encode(t.detach().to(torch.uint8).contiguous().numpy().tobytes()).decode()

# ---- bitsandbytes' published algorithm -------------------------------------------------------
NF4 = torch.tensor([-1.0, -0.6961928009986877, -0.5250730514526367, -0.39491748809814453,
                    -0.28444138169288635, -0.18477343022823334, -0.09105003625154495, 0.0,
                    0.07958029955625534, 0.16093020141124725, 0.24611230194568634,
                    0.33791524171829224, 0.44070982933044434, 0.5626170039176941,
                    0.7229568362236023, 1.0], dtype=torch.float32)

def create_dynamic_map(signed=True, max_exponent_bits=7, total_bits=8):
    data = []
    non_sign_bits = total_bits - 1
    additional_items = 2 ** (non_sign_bits - max_exponent_bits) - 1
    for i in range(max_exponent_bits):
        fraction_items = int(2 ** (i + non_sign_bits - max_exponent_bits) + 1 if signed
                             else 2 ** (i + non_sign_bits - max_exponent_bits + 1) + 1)
        boundaries = torch.linspace(0.1, 1, fraction_items, dtype=torch.float32)
        means = (boundaries[:-1] + boundaries[1:]) / 2.0
        data += ((10 ** (-(max_exponent_bits - 1) + i)) * means).tolist()
        if signed:
            data += (-(10 ** (-(max_exponent_bits - 1) + i)) * means).tolist()
    assert additional_items == 0
    data.append(0)
    data.append(1.0)
    assert len(data) == 2 ** total_bits
    data.sort()
    return torch.tensor(data, dtype=torch.float32)

def quantize_blockwise(A, code, blocksize):
    n = A.numel(); rem = n % blocksize; has_rem = rem > 0
    blocks = n // blocksize + has_rem
    absmax = torch.zeros((blocks,), dtype=torch.float32)
    A_com = A[: n - rem].reshape(n // blocksize, blocksize)
    absmax[: blocks - has_rem] = torch.abs(A_com).max(dim=-1)[0]
    scaled = torch.clamp(A_com * (1 / absmax[: blocks - has_rem].view(-1, 1)), -1, 1).reshape(-1)
    if has_rem:
        absmax[-1] = torch.abs(A[n - rem:]).max()
        scaled = torch.cat([scaled, torch.clamp(A[n - rem:] * (1 / absmax[-1]), -1, 1)])
    q = torch.argmin(torch.abs(scaled.unsqueeze(-1) - code), dim=-1).to(torch.uint8)
    return q, absmax

def quantize_4bit(A, blocksize=64):
    n = A.numel(); full = n // blocksize; rem = n % blocksize
    blocks = full + 1 if rem else full
    absmax = torch.zeros((blocks,), dtype=torch.float32)
    flat = A.reshape(n)
    fb = flat[: n - rem].reshape(full, blocksize)
    absmax[:full] = torch.abs(fb).max(dim=-1)[0]
    scaled = torch.clamp(fb * (1 / absmax[:full].view(-1, 1)), -1, 1).reshape(-1)
    if rem:
        absmax[-1] = torch.abs(flat[-rem:]).max()
        scaled = torch.cat([scaled, torch.clamp(flat[-rem:] * (1 / absmax[-1]), -1, 1)])
    if scaled.numel() % 2 != 0:
        scaled = torch.nn.functional.pad(scaled, (0, 1), value=0.0)
    q = torch.argmin(torch.abs(scaled.view(-1, 1) - NF4), dim=-1, keepdim=True).to(torch.uint8)
    packed = (q[::2] << 4 | q[1::2]).reshape(-1)
    return packed, absmax

def dequantize_4bit(packed, absmax, n, blocksize=64):
    dq = torch.empty(packed.numel() * 2, dtype=torch.int64)
    dq[1::2] = (packed & 0xF).long(); dq[::2] = (packed >> 4).long()
    vals = NF4[dq][:n]
    blocks = (n + blocksize - 1) // blocksize
    pad = blocks * blocksize - n
    vals = torch.nn.functional.pad(vals, (0, pad))
    return (vals.view(-1, blocksize) * absmax.view(-1, 1)).reshape(-1)[:n]

torch.manual_seed(1234)
dyn = create_dynamic_map()
cases = []
for name, n in [("two_blocks_and_a_partial_odd", 64 * 2 + 21), ("double_quant_two_groups", 64 * 300 + 37)]:
    w = torch.randn(n, dtype=torch.float32) * 0.05
    w[5] = 0.31  # an outlier so block 0's absmax is not typical
    packed, absmax = quantize_4bit(w)
    offset = absmax.mean()
    qabs, absmax2 = quantize_blockwise(absmax - offset, dyn, 256)
    absmax_dq = dyn[qabs.long()]
    absmax_dq = torch.nn.functional.pad(absmax_dq, (0, (-absmax_dq.numel()) % 256))
    absmax_dq = (absmax_dq.view(-1, 256) * absmax2.view(-1, 1)).reshape(-1)[: absmax.numel()] + offset
    cases.append(dict(name=name, n=n, input=b64f32(w), packed=b64u8(packed), absmax=b64f32(absmax),
                      dequantized=b64f32(dequantize_4bit(packed, absmax, n)),
                      offset=float(offset), qabsmax=b64u8(qabs), absmax2=b64f32(absmax2),
                      dequantized_double=b64f32(dequantize_4bit(packed, absmax_dq, n))))
json.dump(dict(source="bitsandbytes default-backend algorithm restated in PyTorch " + torch.__version__,
               dynamic_map=b64f32(dyn), cases=cases), open(f"{out}/nf4_bnb_algorithm.json", "w"), indent=1)

# ---- torch.optim.AdamW trajectory --------------------------------------------------------------
torch.manual_seed(7)
p0 = torch.randn(3, 4, dtype=torch.float32)
b0 = torch.randn(5, dtype=torch.float32)
grads = [(torch.randn(3, 4), torch.randn(5)) for _ in range(6)]
lrs = [1e-3, 2e-3, 3e-3, 2.5e-3, 1e-3, 5e-4]
wp = torch.nn.Parameter(p0.clone()); bp = torch.nn.Parameter(b0.clone())
opt = torch.optim.AdamW([{"params": [wp], "weight_decay": 0.1}, {"params": [bp], "weight_decay": 0.0}],
                        lr=1e-3, betas=(0.9, 0.95), eps=1e-8, foreach=False, fused=False)
traj = []
for (gw, gb), lr in zip(grads, lrs):
    for g in opt.param_groups: g["lr"] = lr
    wp.grad = gw.clone(); bp.grad = gb.clone()
    opt.step()
    st = opt.state[wp]; sb = opt.state[bp]
    traj.append(dict(lr=lr, weight=wp.detach().reshape(-1).tolist(), bias=bp.detach().reshape(-1).tolist(),
                     weight_m=st["exp_avg"].reshape(-1).tolist(), weight_v=st["exp_avg_sq"].reshape(-1).tolist(),
                     bias_m=sb["exp_avg"].reshape(-1).tolist(), bias_v=sb["exp_avg_sq"].reshape(-1).tolist()))
json.dump(dict(source="torch.optim.AdamW(foreach=False) torch " + torch.__version__,
               betas=[0.9, 0.95], eps=1e-8, weight_decay={"weight": 0.1, "bias": 0.0},
               weight0=p0.reshape(-1).tolist(), bias0=b0.tolist(),
               grads=[dict(weight=gw.reshape(-1).tolist(), bias=gb.tolist()) for gw, gb in grads],
               steps=traj), open(f"{out}/adamw_torch.json", "w"), indent=1)

# ---- clip_grad_norm_ ---------------------------------------------------------------------------
torch.manual_seed(11)
ga = torch.randn(4, 3) * 3; gb = torch.randn(7)
pa = torch.nn.Parameter(torch.zeros(4, 3)); pb = torch.nn.Parameter(torch.zeros(7))
pa.grad = ga.clone(); pb.grad = gb.clone()
norm = torch.nn.utils.clip_grad_norm_([pa, pb], max_norm=1.0, foreach=False)
json.dump(dict(source="torch.nn.utils.clip_grad_norm_(max_norm=1.0) torch " + torch.__version__,
               a=ga.reshape(-1).tolist(), b=gb.tolist(), total_norm=float(norm),
               a_clipped=pa.grad.reshape(-1).tolist(), b_clipped=pb.grad.tolist()),
          open(f"{out}/clip_grad_norm_torch.json", "w"), indent=1)

# ---- HF schedules, every step --------------------------------------------------------------------
def trace(make, total):
    p = torch.nn.Parameter(torch.zeros(1))
    o = torch.optim.SGD([p], lr=1.0)
    s = make(o)
    lrs = []
    for _ in range(total + 3):  # a few steps past the end, as a run that overshoots would see
        lrs.append(o.param_groups[0]["lr"])
        o.step(); s.step()
    return lrs

sched = []
for total, warm in [(10, 0), (10, 3), (25, 7), (100, 10), (7, 7)]:
    sched.append(dict(kind="constant", total=total, warmup=warm,
                      lr=trace(lambda o: get_constant_schedule_with_warmup(o, warm), total)))
    sched.append(dict(kind="linear", total=total, warmup=warm,
                      lr=trace(lambda o: get_linear_schedule_with_warmup(o, warm, total), total)))
    sched.append(dict(kind="cosine", total=total, warmup=warm,
                      lr=trace(lambda o: get_cosine_schedule_with_warmup(o, warm, total), total)))
import transformers
json.dump(dict(source="transformers " + transformers.__version__ + " LambdaLR, base lr 1.0", schedules=sched),
          open(f"{out}/hf_schedules.json", "w"), indent=1)
print("ok")
