"""Reference values for the evaluator's text metrics, computed independently of the Java code.

Writes ../resources/fixtures/text-metrics.json. Run: python3 make_metric_fixtures.py
(standard library only). rouge_l follows Google's rouge-score package (rouge_scorer with
use_stemmer=False: tokenize.tokenize lower-cases, replaces non [a-z0-9] runs with spaces and keeps
[a-z0-9]+ tokens; _score_lcs); token_f1 follows the SQuAD v2 evaluation script (normalize_answer,
compute_f1); fuzzy_match is rapidfuzz's fuzz.ratio / 100 written from its definition (Indel
similarity). The rouge-score package itself is not in the local wheelhouse.
"""
import collections
import json
import os
import random
import re
import string


def rouge_tokenize(text):
    text = text.lower()
    text = re.sub(r"[^a-z0-9]+", " ", text)
    return [t for t in text.split() if re.match(r"^[a-z0-9]+$", t)]


def lcs_table(ref, can):
    rows, cols = len(ref), len(can)
    table = [[0] * (cols + 1) for _ in range(rows + 1)]
    for i in range(1, rows + 1):
        for j in range(1, cols + 1):
            if ref[i - 1] == can[j - 1]:
                table[i][j] = table[i - 1][j - 1] + 1
            else:
                table[i][j] = max(table[i - 1][j], table[i][j - 1])
    return table


def rouge_l(prediction, target):
    t, p = rouge_tokenize(target), rouge_tokenize(prediction)
    if not t or not p:
        return 0.0, 0.0, 0.0
    lcs = lcs_table(t, p)[-1][-1]
    precision, recall = lcs / len(p), lcs / len(t)
    f = 2 * precision * recall / (precision + recall) if precision + recall > 0 else 0.0
    return precision, recall, f


def normalize_answer(s):
    def remove_articles(text):
        return re.sub(r"\b(a|an|the)\b", " ", text, flags=re.UNICODE)

    def white_space_fix(text):
        return " ".join(text.split())

    def remove_punc(text):
        exclude = set(string.punctuation)
        return "".join(ch for ch in text if ch not in exclude)

    return white_space_fix(remove_articles(remove_punc(s.lower())))


def token_f1(prediction, gold):
    gold_toks = normalize_answer(gold).split()
    pred_toks = normalize_answer(prediction).split()
    common = collections.Counter(gold_toks) & collections.Counter(pred_toks)
    num_same = sum(common.values())
    if len(gold_toks) == 0 or len(pred_toks) == 0:
        return float(gold_toks == pred_toks)
    if num_same == 0:
        return 0.0
    precision = num_same / len(pred_toks)
    recall = num_same / len(gold_toks)
    return 2 * precision * recall / (precision + recall)


def fuzzy(a, b):
    if not a and not b:
        return 1.0
    lcs = lcs_table(list(a), list(b))[-1][-1]
    return 2 * lcs / (len(a) + len(b))


WORDS = ["the", "a", "an", "cat", "Cat", "sat", "on", "mat", "dog", "ran", "fast", "slow", "7", "42", "blue",
         "sky,", "is", "(x)", "don't", "e-mail", "Zürich", "naïve", "!", "...", "The", "THE", "7.5"]

rnd = random.Random(1234)
pairs = [
    ["the cat sat on the mat", "the cat is on the mat"],
    ["", "anything"],
    ["!!!", "..."],
    ["Zürich naïve", "zurich naive"],
    ["A cat.", "the Cat"],
]
for _ in range(60):
    a = " ".join(rnd.choice(WORDS) for _ in range(rnd.randint(0, 8)))
    b = " ".join(rnd.choice(WORDS) for _ in range(rnd.randint(0, 8)))
    pairs.append([a, b])

cases = []
for prediction, reference in pairs:
    p, r, f = rouge_l(prediction, reference)
    cases.append({"prediction": prediction, "reference": reference, "rouge_l": {"precision": p, "recall": r,
                  "fmeasure": f}, "token_f1": token_f1(prediction, reference), "fuzzy_match": fuzzy(prediction,
                  reference)})

out = os.path.join(os.path.dirname(__file__), "..", "resources", "fixtures", "text-metrics.json")
with open(out, "w", encoding="utf-8") as fh:
    json.dump({"generator": "src/test/python/make_metric_fixtures.py", "cases": cases}, fh, ensure_ascii=False,
              indent=1)
print("wrote", len(cases), "cases to", out)
