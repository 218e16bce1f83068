"""Renders the chat templates under ../resources/chat-templates/ exactly as transformers does.

Run from the repository root (needs: transformers, jinja2):
    python libs/llm/src/test/python/render_chat_templates.py

It calls transformers' own render_jinja_template (the function behind apply_chat_template: an
ImmutableSandboxedEnvironment with trim_blocks and lstrip_blocks, globals raise_exception and
strftime_now, its tojson filter) for every template x conversation x add_generation_prompt, with
the clock fixed at FIXED_NOW so strftime_now is deterministic (the Java test injects the same
instant), and writes expected.json. A raise_exception(...) is recorded as {"error": message}.
"""
import datetime as _dt
import json
import pathlib

import jinja2
import transformers
from transformers.utils import chat_template_utils

HERE = pathlib.Path(__file__).resolve().parent
DIR = HERE.parent / "resources" / "chat-templates"
FIXED_NOW = _dt.datetime(2024, 7, 5, 9, 3, 7)  # a Friday; single-digit day and month test padding

# bos / eos as the models' tokenizer_config.json define them (SOURCES.md); None where a model has none.
TEMPLATES = {
    "llama3.2": ("<|begin_of_text|>", "<|eot_id|>"),
    "qwen2.5": (None, "<|im_end|>"),
    "smollm2": ("<|im_start|>", "<|im_end|>"),
    "mistral-v0.2": ("<s>", "</s>"),
    "zephyr": ("<s>", "</s>"),
    "features": ("<s>", "</s>"),
    "whitespace": ("<s>", "</s>"),
}


class _FixedDatetime(_dt.datetime):
    @classmethod
    def now(cls, tz=None):
        return FIXED_NOW


chat_template_utils.datetime = _FixedDatetime  # strftime_now() calls datetime.now()

conversations = json.loads((DIR / "conversations.json").read_text(encoding="utf-8"))
cases = []
for name, (bos, eos) in TEMPLATES.items():
    template = (DIR / f"{name}.jinja").read_text(encoding="utf-8")
    for conversation in conversations:
        for add_generation_prompt in (False, True):
            case = {"template": name, "conversation": conversation["name"],
                    "addGenerationPrompt": add_generation_prompt}
            try:
                rendered, _ = chat_template_utils.render_jinja_template(
                    conversations=[conversation["messages"]],
                    chat_template=template,
                    add_generation_prompt=add_generation_prompt,
                    bos_token=bos,
                    eos_token=eos,
                )
                case["output"] = rendered[0]
            except jinja2.exceptions.TemplateError as e:
                case["error"] = e.message
            cases.append(case)

# Small expressions (expressions.json) exercising Jinja2 features one at a time, rendered with one
# fixed conversation; the Java side must match them too.
EXPRESSION_MESSAGES = [
    {"role": "system", "content": "Sys prompt here"},
    {"role": "user", "content": "Hello there"},
    {"role": "assistant", "content": "Hi!"},
]
expressions = []
for entry in json.loads((DIR / "expressions.json").read_text(encoding="utf-8")):
    rendered, _ = chat_template_utils.render_jinja_template(
        conversations=[EXPRESSION_MESSAGES], chat_template=entry["template"],
        add_generation_prompt=False, bos_token="<s>", eos_token="</s>")
    expressions.append({"template": entry["template"], "output": rendered[0]})

out = {
    "generatedWith": {"transformers": transformers.__version__, "jinja2": jinja2.__version__},
    "now": FIXED_NOW.isoformat(),
    "templates": {name: {"bosToken": bos, "eosToken": eos} for name, (bos, eos) in TEMPLATES.items()},
    "cases": cases,
    "expressionMessages": EXPRESSION_MESSAGES,
    "expressions": expressions,
}
(DIR / "expected.json").write_text(json.dumps(out, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
print(len(cases), "cases,", sum("error" in c for c in cases), "errors")
