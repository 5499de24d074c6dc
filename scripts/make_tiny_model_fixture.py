#!/usr/bin/env python3
"""Writes Tests/EmbeddingsTests/Fixtures/tiny-st6-model/ (weights as model-weights.fixture) and
tiny-st6-reference.jsonl: a small
random BERT saved the way sentence-transformers 6 saves models, and what sentence-transformers
computes with it, so the engine's config-driven loading is tested on a model unlike MiniLM.

The model differs from all-MiniLM-L6-v2 in every way the engine reads from files: sentence-
transformers 6 module types and pooling config (`pooling_mode: ["mean", "cls"]`, concatenated in
that order), no `vocab.txt` (the vocabulary is in `tokenizer.json`: MiniLM's first 4,000 tokens),
float16 weights, hidden size 24 with 2 heads of 12 (not a multiple of the AVX2 width), 2 layers,
intermediate 40, `gelu_new`, `layer_norm_eps` 1e-7, `max_position_embeddings` 64 and a tokenizer
`model_max_length` of 48 (texts are truncated), Normalize.

  python3 scripts/make_tiny_model_fixture.py      # needs torch, transformers, sentence-transformers
"""
import json, os, pathlib, shutil, tempfile
import torch
from tokenizers import Tokenizer, models as tmodels, normalizers, pre_tokenizers, processors
from transformers import BertConfig, BertModel, BertTokenizerFast
from sentence_transformers import SentenceTransformer, models

ROOT = pathlib.Path(__file__).resolve().parent.parent
MINI = ROOT / "models/all-MiniLM-L6-v2"
OUT = ROOT / "Tests/EmbeddingsTests/Fixtures/tiny-st6-model"
REFERENCE = ROOT / "Tests/EmbeddingsTests/Fixtures/tiny-st6-reference.jsonl"

vocab = [line.rstrip("\n") for line in open(MINI / "vocab.txt", encoding="utf-8")][:4000]
wordpiece = tmodels.WordPiece({t: i for i, t in enumerate(vocab)}, unk_token="[UNK]", max_input_chars_per_word=100)
backend = Tokenizer(wordpiece)
backend.normalizer = normalizers.BertNormalizer(clean_text=True, handle_chinese_chars=True, strip_accents=None, lowercase=True)
backend.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
backend.post_processor = processors.TemplateProcessing(single="[CLS] $A [SEP]", pair="[CLS] $A [SEP] $B:1 [SEP]:1",
                                                       special_tokens=[("[CLS]", 101), ("[SEP]", 102)])
tokenizer = BertTokenizerFast(tokenizer_object=backend, unk_token="[UNK]", sep_token="[SEP]", pad_token="[PAD]",
                              cls_token="[CLS]", mask_token="[MASK]", do_lower_case=True, model_max_length=48)

torch.manual_seed(24)
config = BertConfig(vocab_size=len(vocab), hidden_size=24, num_hidden_layers=2, num_attention_heads=2, intermediate_size=40,
                    hidden_act="gelu_new", layer_norm_eps=1e-7, max_position_embeddings=64)
bert = BertModel(config, add_pooling_layer=False)
with torch.no_grad():
    for parameter in bert.parameters():
        parameter.mul_(3.0)  # well away from the initialisation's small values, so errors show
bert = bert.to(torch.float16)

with tempfile.TemporaryDirectory() as work:
    bert.save_pretrained(work, safe_serialization=True)
    tokenizer.save_pretrained(work)
    if os.path.exists(os.path.join(work, "vocab.txt")):
        os.remove(os.path.join(work, "vocab.txt"))
    transformer = models.Transformer(work, model_args={"dtype": torch.float32})
    st = SentenceTransformer(modules=[transformer, models.Pooling(24, pooling_mode=("mean", "cls")), models.Normalize()], device="cpu")
    shutil.rmtree(OUT, ignore_errors=True)
    st.save(str(OUT))
    shutil.copy(os.path.join(work, "model.safetensors"), OUT / "model.safetensors")  # keep the float16 file
for extra in ("README.md", "vocab.txt"):
    if (OUT / extra).exists():
        (OUT / extra).unlink()

st = SentenceTransformer(str(OUT), device="cpu", model_kwargs={"dtype": torch.float32})
assert st.max_seq_length == 48, st.max_seq_length
# The repository keeps no *.safetensors files: the weights are stored as model-weights.fixture and
# the test copies the directory and renames them back.
glosses = open(ROOT.parent / "shared/data/wordnet-glosses.txt", encoding="utf-8").read().split("\n")
texts = glosses[:30] + ["", "Hello, World!", "Ångström café naïve", "中文 and 日本語", " ".join(glosses[30:60]), "x" * 150]
ids = st.tokenizer(texts, truncation=True, max_length=48)["input_ids"]
embeddings = st.encode(texts, batch_size=8, convert_to_numpy=True)
with REFERENCE.open("w", encoding="utf-8") as f:
    for text, row, vector in zip(texts, ids, embeddings):
        f.write(json.dumps({"text": text, "input_ids": row, "embedding": [float(x) for x in vector]}, ensure_ascii=False) + "\n")
(OUT / "model.safetensors").rename(OUT / "model-weights.fixture")
print(f"wrote {OUT} ({sum(p.stat().st_size for p in OUT.rglob('*') if p.is_file())} bytes) and {REFERENCE} ({len(texts)} texts)")
