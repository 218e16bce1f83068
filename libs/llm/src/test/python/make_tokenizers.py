"""Builds the tiny test tokenizers and the reference ids the Java tests compare against.

Run from the repository root (needs: tokenizers, transformers):
    python libs/llm/src/test/python/make_tokenizers.py

It trains two byte-level BPE tokenizers (vocab 400) on tiny_corpus.txt (text written for this
project), saves tokenizer.json + tokenizer_config.json under
libs/llm/src/test/resources/tokenizers/<name>/, then loads each with transformers.AutoTokenizer and
writes what HF produces (ids with and without special tokens, decodes, special ids, vocab size,
rendered chat template) to expected.json beside them. The Java tests never run Python.
"""
import json
import pathlib

import tokenizers
import transformers
from tokenizers import AddedToken, Tokenizer, decoders, models, pre_tokenizers, processors, trainers
from transformers import AutoTokenizer

HERE = pathlib.Path(__file__).resolve().parent
OUT = HERE.parent / "resources" / "tokenizers"
CORPUS = (HERE / "tiny_corpus.txt").read_text(encoding="utf-8").splitlines()

LLAMA_TEMPLATE = (HERE.parent / "resources" / "chat-templates" / "zephyr.jinja").read_text(encoding="utf-8")
CHATML_TEMPLATE = (
    "{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] | trim"
    " + '<|im_end|>\\n' }}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}"
)
CHATML_TOOL_TEMPLATE = "{{ 'tools:' }}{% for message in messages %}{{ message.role[:1] + ':' + message.content }}{% endfor %}"

TEXTS = [
    "Hello world",
    "",
    "  leading and trailing spaces  ",
    "Grüße aus Köln — 日本語 🎉 ✓",
    "<|im_start|>user\nHi there<|im_end|>\n",
    "<s>already has bos</s> and eos",
    "line one\nline two\r\n\ttabbed",
    "zyxwvut qqq 0042",
    "<tool> is a plain added token",
    "Hello world " * 100,  # ~800 tokens: longer than DJL's default max length of 512
]


def train(specials, extra_added):
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=400,
        min_frequency=1,
        special_tokens=[AddedToken(s, special=True, normalized=False) for s in specials],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    tok.train_from_iterator(CORPUS, trainer=trainer)
    tok.add_tokens([AddedToken(t, special=False, normalized=False) for t in extra_added])
    return tok


def build(name, tok, config):
    d = OUT / name
    d.mkdir(parents=True, exist_ok=True)
    tok.save(str(d / "tokenizer.json"), pretty=False)
    (d / "tokenizer_config.json").write_text(json.dumps(config, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")

    hf = AutoTokenizer.from_pretrained(str(d))
    cases = []
    for text in TEXTS:
        ids = hf(text)["input_ids"]
        ids_plain = hf(text, add_special_tokens=False)["input_ids"]
        cases.append({
            "text": text,
            "ids": ids,
            "idsWithoutSpecialTokens": ids_plain,
            "decoded": hf.decode(ids, skip_special_tokens=False),
            "decodedSkippingSpecialTokens": hf.decode(ids, skip_special_tokens=True),
        })
    conversation = [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": " Hello! "},
        {"role": "assistant", "content": "Hi."},
        {"role": "user", "content": "Grüße 🎉"},
    ]
    expected = {
        "generatedWith": {"transformers": transformers.__version__, "tokenizers": tokenizers.__version__},
        "bosToken": hf.bos_token,
        "eosToken": hf.eos_token,
        "bosId": hf.bos_token_id,
        "eosId": hf.eos_token_id,
        "padId": hf.pad_token_id,
        "vocabSize": len(hf),
        "tokenIds": {t: hf.convert_tokens_to_ids(t) for t in ["<s>", "</s>", "<|im_start|>", "<|im_end|>", "<tool>", "Hello"]
                     if t in hf.get_vocab()},
        "cases": cases,
        "conversation": conversation,
        "renderedWithGenerationPrompt": hf.apply_chat_template(conversation, tokenize=False, add_generation_prompt=True),
    }
    if isinstance(config.get("chat_template"), list):
        expected["renderedByName"] = {
            entry["name"]: hf.apply_chat_template(conversation, tokenize=False, chat_template=entry["name"])
            for entry in config["chat_template"]}
    (d / "expected.json").write_text(json.dumps(expected, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    return hf


# Llama style: <s> is prepended by the tokenizer.json post-processor; tokenizer_config.json says
# add_bos_token true / add_eos_token false as Llama-2-era repositories do.
llama = train(["<unk>", "<s>", "</s>"], ["<tool>"])
bos = llama.token_to_id("<s>")
llama.post_processor = processors.TemplateProcessing(
    single="<s> $A", pair="<s> $A <s> $B", special_tokens=[("<s>", bos)])
build("bpe-llama", llama, {
    "tokenizer_class": "PreTrainedTokenizerFast",
    "bos_token": {"__type": "AddedToken", "content": "<s>", "lstrip": False, "normalized": False,
                  "rstrip": False, "single_word": False, "special": True},
    "eos_token": "</s>",
    "unk_token": "<unk>",
    "pad_token": None,
    "add_bos_token": True,
    "add_eos_token": False,
    "model_max_length": 2048,
    "clean_up_tokenization_spaces": False,
    "chat_template": LLAMA_TEMPLATE,
})

# Same tokenizer.json, but tokenizer_config.json asks for eos and no bos. transformers 5.x ignores
# both flags whenever tokenizer.json is present (its post-processor decides); 4.x's
# LlamaTokenizerFast rebuilt the post-processor from them. The Java Tokenizer follows 5.x.
build("bpe-llama-flags", llama, {
    "tokenizer_class": "PreTrainedTokenizerFast",
    "bos_token": "<s>",
    "eos_token": "</s>",
    "unk_token": "<unk>",
    "add_bos_token": False,
    "add_eos_token": True,
    "model_max_length": 2048,
    "chat_template": LLAMA_TEMPLATE,
})

# ChatML style (Qwen-like): no bos at all, the post-processor adds nothing, templates as a list.
chatml = train(["<|endoftext|>", "<|im_start|>", "<|im_end|>"], ["<tool>"])
chatml.post_processor = processors.ByteLevel(trim_offsets=False)
build("bpe-chatml", chatml, {
    "tokenizer_class": "PreTrainedTokenizerFast",
    "bos_token": None,
    "eos_token": {"__type": "AddedToken", "content": "<|im_end|>", "lstrip": False, "normalized": False,
                  "rstrip": False, "single_word": False, "special": True},
    "pad_token": "<|endoftext|>",
    "model_max_length": 32768,
    "clean_up_tokenization_spaces": False,
    "chat_template": [
        {"name": "default", "template": CHATML_TEMPLATE},
        {"name": "tool_use", "template": CHATML_TOOL_TEMPLATE},
    ],
})
print("wrote", OUT)
