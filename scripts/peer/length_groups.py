"""TuneForge's length-aware batching (libs/llm train.data.LengthGroups), reimplemented from its
documentation: an independent check of the Java code (LengthGroupsTest pins this script's output)
and the padding figures of docs/benchmarks.md.

  python3 length_groups.py pin                       # batches pinned by LengthGroupsTest
  python3 length_groups.py STATS_JSON [MB] [SEED]    # padded positions: random vs grouped batches
"""
import json
import sys

GOLDEN, M64 = 0x9E3779B97F4A7C15, (1 << 64) - 1
BATCH_SALT = 0x6A09E667F3BCC908
MEGABATCH_MULT = 50


def permutation(seed, epoch, n):
    """EpochShuffle: SplitMix64 Fisher-Yates per (seed, epoch)."""
    state = ((seed & M64) ^ ((GOLDEN * (epoch + 1)) & M64)) & M64

    def nxt():
        nonlocal state
        state = (state + GOLDEN) & M64
        z = state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
        return z ^ (z >> 31)

    def next_int(bound):
        while True:
            bits = nxt() >> 33
            val = bits % bound
            if bits - val + (bound - 1) < 2 ** 31:
                return val

    order = list(range(n))
    for i in range(n - 1, 0, -1):
        j = next_int(i + 1)
        order[i], order[j] = order[j], order[i]
    return order


def grouped(lengths, mb, seed, epoch, drop_last=False):
    p = permutation(seed, epoch, len(lengths))
    mega = MEGABATCH_MULT * mb
    batches = []
    for f in range(0, len(p), mega):
        s = sorted(p[f:f + mega], key=lambda i: -lengths[i])  # stable, longest first
        for b in range(0, len(s), mb):
            if len(s[b:b + mb]) == mb or not drop_last:
                batches.append(s[b:b + mb])
    q = permutation(seed ^ BATCH_SALT, epoch, len(batches))
    out = [batches[i] for i in q]
    longest = 0
    for i, b in enumerate(out):
        if lengths[b[0]] > lengths[out[longest][0]]:
            longest = i
    out[0], out[longest] = out[longest], out[0]
    return out


def plain(lengths, mb, seed, epoch):
    p = permutation(seed, epoch, len(lengths))
    return [p[k:k + mb] for k in range(0, len(p), mb)]


def padded(batches, lengths):
    return sum(len(b) * max(lengths[i] for i in b) for b in batches)


if __name__ == "__main__":
    if sys.argv[1] == "pin":
        lengths = [(i * 37) % 101 + 1 for i in range(230)]  # ties, 3 megabatches of batch 2
        print(grouped(lengths, 2, 42, 0)[:6], grouped(lengths, 2, 42, 1)[:3])
    else:
        lengths = json.load(open(sys.argv[1]))["lengths"]
        mb = int(sys.argv[2]) if len(sys.argv) > 2 else 4
        seed = int(sys.argv[3]) if len(sys.argv) > 3 else 42
        real = sum(lengths)
        for name, b in (("random", plain(lengths, mb, seed, 0)), ("grouped", grouped(lengths, mb, seed, 0))):
            print(f"{name}: {padded(b, lengths)} positions for {real} real tokens "
                  f"({padded(b, lengths) / real:.3f} per token), {len(b)} micro-batches of {mb}")
