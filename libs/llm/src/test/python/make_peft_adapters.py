"""Builds the PEFT LoRA adapter fixtures under libs/llm/src/test/resources/peft/ with HF PEFT.

Each adapter sits on one of the reference base models of make_reference_models.py (committed
under resources/reference/). PEFT initialises B to zero, so B is re-drawn here (non-zero) to make
the adapter change the model's output. The adapted model's log-probabilities on fixed ids are
recorded in expected.json; the Java engine loads base + adapter and must match them to 1e-4.
The project never runs Python; rerun only to regenerate the fixtures:

    /work/venv-ref/bin/pip install torch transformers peft safetensors
    /work/venv-ref/bin/python libs/llm/src/test/python/make_peft_adapters.py
"""

import json
import pathlib

import peft
import torch
import transformers
from peft import LoraConfig, get_peft_model
from transformers import AutoModelForCausalLM

RES = pathlib.Path(__file__).resolve().parents[1] / "resources"
SEQUENCES = [
    [0, 17, 250, 33, 4, 99, 120, 7],
    [0, 5, 288, 61, 61, 140, 201, 3, 77, 12, 250, 299, 45, 8, 19, 150, 222, 31, 64, 10],
]

ADAPTERS = {
    # Attention and MLP modules, alpha/r scaling.
    "llama3-lora": ("llama3-bf16", dict(r=4, lora_alpha=8, lora_dropout=0.05,
                                        target_modules=["q_proj", "v_proj", "down_proj"])),
    # Every linear layer but the head, rsLoRA scaling alpha/sqrt(r), on a Qwen3 base (q/k norms).
    "qwen3-lora-all-linear-rs": ("qwen3-bf16", dict(r=4, lora_alpha=16, lora_dropout=0.0,
                                                    target_modules="all-linear", use_rslora=True)),
    # A float32 base (tied head), so a merged model can be compared with base + adapter to 1e-4.
    "mistral-lora": ("mistral-f32", dict(r=4, lora_alpha=4, lora_dropout=0.1,
                                         target_modules=["q_proj", "k_proj", "o_proj", "gate_proj", "up_proj"])),
}


def logprobs(model, ids):
    with torch.no_grad():
        logits = model(input_ids=torch.tensor([ids])).logits[0].float()
    lp = torch.log_softmax(logits, dim=-1)
    return [lp[i, ids[i + 1]].item() for i in range(len(ids) - 1)]


def main():
    for seed, (name, (base, cfg)) in enumerate(ADAPTERS.items()):
        torch.manual_seed(100 + seed)
        base_dir = RES / "reference" / base
        # The engine computes in float32 from the stored weights, so does the reference.
        model = AutoModelForCausalLM.from_pretrained(base_dir, dtype=torch.float32).eval()
        base_lp = [logprobs(model, s) for s in SEQUENCES]
        model = get_peft_model(model, LoraConfig(task_type="CAUSAL_LM", **cfg))
        g = torch.Generator().manual_seed(7 + seed)
        with torch.no_grad():
            for n, p in model.named_parameters():
                if "lora_B" in n:  # PEFT starts B at zero; a random B makes the adapter matter
                    p.copy_(0.3 * torch.randn(p.shape, generator=g))
        model.eval()
        out = RES / "peft" / name
        out.mkdir(parents=True, exist_ok=True)
        model.save_pretrained(out)
        # Written by PEFT with the absolute local path; the engine never needs it.
        conf = json.loads((out / "adapter_config.json").read_text())
        conf["base_model_name_or_path"] = "reference/" + base
        (out / "adapter_config.json").write_text(json.dumps(conf, indent=2, sort_keys=True) + "\n")
        readme = out / "README.md"
        if readme.exists():
            readme.unlink()
        expected = {
            "base": base,
            "peft_version": peft.__version__,
            "transformers_version": transformers.__version__,
            "torch_version": torch.__version__,
            "sequences": [{"ids": s, "logprobs": logprobs(model, s), "base_logprobs": b}
                          for s, b in zip(SEQUENCES, base_lp)],
        }
        (out / "expected.json").write_text(json.dumps(expected, indent=1) + "\n")
        diff = max(abs(a - b) for e in expected["sequences"] for a, b in zip(e["logprobs"], e["base_logprobs"]))
        print(name, "max |adapted - base| log-prob", diff)


if __name__ == "__main__":
    main()
