#!/usr/bin/env python3
"""Writes Tests/EmbeddingsTests/Fixtures/tokenizer-unicode.jsonl: token ids from Hugging Face's
BertTokenizerFast (all-MiniLM-L6-v2's vocabulary) for text that exercises its character classes,
one `{"text": ..., "input_ids": [...]}` a line, truncated to 256 ids as the engine does.

  - probes "a<c>b" for every code point whose class in tokenizers (dropped, punctuation, accent)
    differs from its Unicode general category in Python's unicodedata, and for one unassigned code
    point in 32 below U+20000 (tokenizers keeps those), 40 probes a line;
  - 400 seeded random texts: vocabulary words, upper case, accents and stacked combining marks,
    Hangul, compatibility characters, special-token strings, CJK, control/format/private-use
    characters, odd whitespace, words over 100 characters, texts over 256 tokens.

  python3 scripts/make_tokenizer_fixture.py [MODEL_DIR]     # needs `transformers`; deterministic
"""
import json, pathlib, random, sys, unicodedata
from transformers import BertTokenizerFast

ROOT = pathlib.Path(__file__).resolve().parent.parent
MODEL = sys.argv[1] if len(sys.argv) > 1 else str(ROOT / "models/all-MiniLM-L6-v2")
OUT = ROOT / "Tests/EmbeddingsTests/Fixtures/tokenizer-unicode.jsonl"
tok = BertTokenizerFast.from_pretrained(MODEL)
from tokenizers.normalizers import BertNormalizer
from tokenizers.pre_tokenizers import BertPreTokenizer

clean = BertNormalizer(clean_text=True, handle_chinese_chars=False, strip_accents=False, lowercase=False)
strip = BertNormalizer(clean_text=False, handle_chinese_chars=False, strip_accents=True, lowercase=False)
pre = BertPreTokenizer()

probes = []
for c in range(0x110000):
    if 0xD800 <= c <= 0xDFFF or c in (0x0A, 0x0D):
        continue
    s, cat = chr(c), unicodedata.category(chr(c))
    dropped = clean.normalize_str("a" + s + "b") == "ab"
    punct = [t for t, _ in pre.pre_tokenize_str("a" + s + "b")] == ["a", s, "b"]
    mark = strip.normalize_str(s) == ""
    by_category = (cat in ("Cc", "Cf", "Co", "Cn") and c not in (9, 10, 13), cat.startswith("P") or (c < 0x80 and punct),
                   cat == "Mn")
    if (dropped, punct, mark) != by_category and not (cat == "Cn" and not (dropped or punct or mark)):
        probes.append(c)
    elif cat == "Cn" and c < 0x20000 and c % 32 == 0:
        probes.append(c)

texts = [" ".join("a" + chr(c) + "b" for c in probes[i:i + 40]) for i in range(0, len(probes), 40)]

rng = random.Random(20261128)
vocab = [l.rstrip("\n") for l in open(pathlib.Path(MODEL) / "vocab.txt", encoding="utf-8")]
marks = [chr(c) for c in list(range(0x300, 0x370)) + [0x591, 0x5B0, 0x64B, 0x670, 0x93C, 0x94D, 0xE31, 0xE48, 0x1AB0,
                                                       0x1DC0, 0x20D0, 0x302A, 0x3099, 0x309A, 0xFE20, 0x1D167, 0x898, 0xF71, 0xF74]]
bases = list("aeiouAEIOUnNcCsSzZyY") + ["ᄀ", "가", "각", "ά", "Ω", "Σ", "ς", "İ", "ı", "ǅ", "ﬀ", "ẞ", "Å", "Å", "ｱ", "ｶﾞ",
                                        "½", "²", "™", "℃", "㎏", "ﾟ", "ゞ", "中", "文", "𠀀", "﨑"]
specials = ["[CLS]", "[SEP]", "[UNK]", "[PAD]", "[MASK]", "[cls]", "[SEP", "SEP]", "[[SEP]]", "[UNK][UNK]", "x[MASK]y"]
odd = ["\u0000", "\u0007", "\u007f", "\u0085", "\u00ad", "\u200b", "\u200d", "\u2060", "\ufeff", "\ue000", "\U000f0000",
       "\ufffd", "\u0378", "\U000e0001", "\u2028", "\u00a0", "\u3000", "\t", "\u0890", "\u2e43", "\u166d", "\U0001f600"]


def word():
    r = rng.random()
    if r < 0.3:
        return rng.choice(vocab).replace("##", "")
    if r < 0.5:
        return "".join(rng.choice(bases) + "".join(rng.choice(marks) for _ in range(rng.randint(0, 3))) for _ in range(rng.randint(1, 5)))
    if r < 0.58:
        return rng.choice(specials)
    if r < 0.66:
        return rng.choice(vocab).upper()
    if r < 0.76:
        return "".join(rng.choice(odd) for _ in range(rng.randint(1, 3)))
    if r < 0.8:
        return "x" * rng.randint(98, 102)
    if r < 0.9:
        return "".join(chr(rng.randint(0x20, 0x2FFFF)) for _ in range(rng.randint(1, 4))).replace("\n", " ").replace("\r", " ") \
            .encode("utf-8", "replace").decode("utf-8", "replace")
    return rng.choice(["'", "’", "—", "…", "«", "»", "¿", "·", "・", "।", "؟", "、", "。", "！", "＂", "-", "."])


for _ in range(400):
    n = rng.choice([1, 3, 10, 40, 200])
    t = "".join(word() + rng.choice([" ", "", "\t", "  ", "\u3000", "\u00a0"]) for _ in range(n))
    t = "".join(ch for ch in t if not 0xD800 <= ord(ch) <= 0xDFFF)
    texts.append(t.replace("\n", " ").replace("\r", " "))

with OUT.open("w", encoding="utf-8") as f:
    for t, ids in zip(texts, tok(texts, truncation=True, max_length=256)["input_ids"]):
        f.write(json.dumps({"text": t, "input_ids": ids}, ensure_ascii=False) + "\n")
print(f"wrote {OUT}: {len(texts)} texts ({len(probes)} code point probes)")
