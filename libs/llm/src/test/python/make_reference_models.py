"""Builds the tiny reference models under libs/llm/src/test/resources/reference/ with HF transformers.

The Java tests load these folders with the engine and compare its log-probabilities and greedy
continuations with the values computed here by transformers, an implementation independent of the
engine. The project never runs Python; rerun this script only to regenerate the fixtures:

    python3 -m venv /work/venv-ref
    /work/venv-ref/bin/pip install torch transformers safetensors numpy tokenizers
    /work/venv-ref/bin/python libs/llm/src/test/python/make_reference_models.py

Every model is tiny (hidden 64, 2 layers, vocab 300) so the committed fixtures stay well under 1 MB.
Weights are random with a fixed seed and re-scaled so the output distributions are far from uniform.
BF16 fixtures are saved in bfloat16 and the reference is computed from the saved file widened to
float32, which is exactly what the engine computes with.
"""

import json
import math
import pathlib

import torch
from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors, trainers
from transformers import (LlamaConfig, LlamaForCausalLM, MistralConfig, MistralForCausalLM,
                          Qwen2Config, Qwen2ForCausalLM, Qwen3Config, Qwen3ForCausalLM)

OUT = pathlib.Path(__file__).resolve().parents[1] / "resources" / "reference"
VOCAB = 300
BOS, EOS, PAD = "<|bos|>", "<|eos|>", "<|pad|>"
CHAT_TEMPLATE = (
    "{% for m in messages %}<|im_start|>{{ m['role'] }}\n{{ m['content'] }}<|im_end|>\n{% endfor %}"
    "{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}")
CORPUS = [
    "The quick brown fox jumps over the lazy dog.",
    "Fine-tuning adapts a pre-trained language model to a task.",
    "Hello world! Tokens, weights and gradients.",
    "user assistant system <|im_start|> <|im_end|>",
] * 20

COMMON = dict(hidden_size=64, num_hidden_layers=2, num_attention_heads=4, num_key_value_heads=2,
              intermediate_size=64, vocab_size=VOCAB, max_position_embeddings=128,
              rms_norm_eps=1e-5, bos_token_id=0, eos_token_id=1, pad_token_id=2)

MODELS = {
    # Llama 3.x layout: GQA 4:2, llama3 RoPE scaling with a small original context so all three
    # frequency bands occur, untied head, stored in bfloat16.
    "llama3-bf16": (LlamaForCausalLM, LlamaConfig(
        **COMMON, tie_word_embeddings=False,
        rope_parameters={"rope_type": "llama3", "rope_theta": 10000.0, "factor": 8.0,
                         "low_freq_factor": 1.0, "high_freq_factor": 4.0,
                         "original_max_position_embeddings": 32}), torch.bfloat16, True),
    # Mistral: tied head, float32 storage.
    "mistral-f32": (MistralForCausalLM, MistralConfig(
        **COMMON, tie_word_embeddings=True, sliding_window=None,
        rope_parameters={"rope_type": "default", "rope_theta": 1000000.0}), torch.float32, False),
    # Qwen2: q/k/v biases, tied head, bfloat16.
    "qwen2-bf16": (Qwen2ForCausalLM, Qwen2Config(
        **COMMON, tie_word_embeddings=True,
        rope_parameters={"rope_type": "default", "rope_theta": 10000.0}), torch.bfloat16, False),
    # Qwen3: q_norm/k_norm, explicit head_dim 32 (!= 64 / 4), untied head, bfloat16.
    "qwen3-bf16": (Qwen3ForCausalLM, Qwen3Config(
        **COMMON, head_dim=32, tie_word_embeddings=False,
        rope_parameters={"rope_type": "default", "rope_theta": 10000.0}), torch.bfloat16, False),
}

SEQUENCES = [
    [0, 17, 250, 33, 4, 99, 120, 7],
    [0, 5, 288, 61, 61, 140, 201, 3, 77, 12, 250, 299, 45, 8, 19, 150, 222, 31, 64, 10],
]
GREEDY_PROMPT = [0, 44, 91, 150, 12]
GREEDY_NEW = 8


def build_tokenizer(add_bos: bool) -> Tokenizer:
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=VOCAB, special_tokens=[BOS, EOS, PAD],
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
                                  show_progress=False)
    tok.train_from_iterator(CORPUS, trainer)
    if add_bos:
        tok.post_processor = processors.TemplateProcessing(
            single=f"{BOS} $A", pair=f"{BOS} $A {BOS} $B", special_tokens=[(BOS, 0)])
    else:
        tok.post_processor = processors.ByteLevel(trim_offsets=False)
    assert tok.get_vocab_size() == VOCAB, tok.get_vocab_size()
    assert tok.token_to_id(BOS) == 0 and tok.token_to_id(EOS) == 1
    return tok


def randomize(model: torch.nn.Module, seed: int) -> None:
    """Re-draws every parameter so activations and logits have a realistic spread."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.endswith("norm.weight"):
                p.copy_(1.0 + 0.2 * torch.randn(p.shape, generator=g))
            elif name.endswith(".bias"):
                p.copy_(0.3 * torch.randn(p.shape, generator=g))
            elif "embed_tokens" in name:
                p.copy_(torch.randn(p.shape, generator=g))
            else:  # [out, in]
                p.copy_(torch.randn(p.shape, generator=g) * (2.0 / math.sqrt(p.shape[1])))


def logprobs(model, ids):
    with torch.no_grad():
        logits = model(torch.tensor([ids])).logits[0].float()
    lp = torch.log_softmax(logits, dim=-1)
    return [lp[i, ids[i + 1]].item() for i in range(len(ids) - 1)]


def greedy(model, prompt, n):
    """Greedy continuation by full recomputation (no cache); also the smallest top-2 logit gap."""
    ids = list(prompt)
    gap = float("inf")
    with torch.no_grad():
        for _ in range(n):
            logits = model(torch.tensor([ids])).logits[0, -1].float()
            top = torch.topk(logits, 2).values
            gap = min(gap, (top[0] - top[1]).item())
            ids.append(int(torch.argmax(logits)))
    return ids[len(prompt):], gap


def main():
    torch.manual_seed(0)
    for seed, (name, (cls, config, dtype, add_bos)) in enumerate(MODELS.items()):
        folder = OUT / name
        folder.mkdir(parents=True, exist_ok=True)
        model = cls(config).eval()
        randomize(model, 1234 + seed)
        model.to(dtype).save_pretrained(folder, safe_serialization=True)
        gen = folder / "generation_config.json"
        if gen.exists():
            gen.unlink()
        tok = build_tokenizer(add_bos)
        tok.save(str(folder / "tokenizer.json"))
        (folder / "tokenizer_config.json").write_text(json.dumps({
            "bos_token": BOS, "eos_token": EOS, "pad_token": PAD,
            "add_bos_token": add_bos, "chat_template": CHAT_TEMPLATE,
            "tokenizer_class": "PreTrainedTokenizerFast"}, indent=2) + "\n")

        # The reference runs on the saved file, widened to float32, like the engine.
        ref = cls.from_pretrained(folder, dtype=torch.float32).eval()
        tokens, gap = greedy(ref, GREEDY_PROMPT, GREEDY_NEW)
        expected = {
            "transformers_version": __import__("transformers").__version__,
            "torch_version": torch.__version__,
            "parameter_count": sum(p.numel() for p in ref.parameters()),
            "sequences": [{"ids": s, "logprobs": logprobs(ref, s)} for s in SEQUENCES],
            "greedy": {"prompt": GREEDY_PROMPT, "tokens": tokens, "min_top2_gap": gap},
            "text_example": {"text": "Hello world!", "ids": tok.encode("Hello world!").ids},
        }
        (folder / "expected.json").write_text(json.dumps(expected, indent=1) + "\n")
        print(name, "params", expected["parameter_count"], "greedy", tokens, "gap %.4f" % gap)


if __name__ == "__main__":
    main()
