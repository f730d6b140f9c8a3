"""The PyTorch reference for the action classifier rows of `safemcp-bench --only numeric`: the
model of Sources/Benchmarks/NumericBenchmarks.swift (Agent Action Guard's shape: 384 → 128 → 64
→ 3, each hidden block Linear + LayerNorm + exact GELU + Dropout 0.1), a full training step
(forward, class-weighted softmax cross-entropy, backward, Adam) at each batch size, and the
inference of one sample (eval mode, no gradient), timed as Sources/Benchmarks/Stopwatch.swift
times ours: one warm-up round, the median of five, with enough calls a round for about 0.2 s.

Run with .venv-torch/bin/python (tools/bench-torch.sh makes it); prints one JSON object:
{"torch": version, "threads": n, "training_seconds": {"32": s, ...}, "inference_seconds": s}."""
import argparse
import json

import torch
from torch import nn
from torch.nn import functional

from bench_timing import seconds_per_call

INPUTS, HIDDEN, CLASSES, DROPOUT = 384, [128, 64], 3, 0.1
CLASS_WEIGHTS = [1.0, 2.0, 3.0]


def classifier():
    layers, width = [], INPUTS
    for hidden in HIDDEN:
        layers += [nn.Linear(width, hidden), nn.LayerNorm(hidden), nn.GELU(), nn.Dropout(DROPOUT)]
        width = hidden
    return nn.Sequential(*layers, nn.Linear(width, CLASSES))


def training_step(batch_size, generator):
    model = classifier().train()
    # Adam without weight decay, as the Swift step (AdamW with weightDecay 0); the fused kernel
    # is PyTorch's fastest on CPU.
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3, fused=True)
    inputs = torch.randn(batch_size, INPUTS, generator=generator)
    targets = torch.randint(0, CLASSES, (batch_size,), generator=generator)
    weights = torch.tensor(CLASS_WEIGHTS)

    def step():
        optimizer.zero_grad()
        functional.cross_entropy(model(inputs), targets, weight=weights).backward()
        optimizer.step()

    return step


def inference(generator):
    model = classifier().eval()
    sample = torch.randn(1, INPUTS, generator=generator)

    def infer():
        with torch.inference_mode():
            model(sample)

    return infer


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--batches", type=int, nargs="+", default=[4, 32, 256], help="training batch sizes")
    parser.add_argument("--threads", type=int, default=2, help="torch.set_num_threads")
    arguments = parser.parse_args()
    torch.set_num_threads(arguments.threads)
    generator = torch.Generator().manual_seed(2)
    training = {str(batch): seconds_per_call(training_step(batch, generator))[0] for batch in arguments.batches}
    print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads(), "training_seconds": training,
                      "inference_seconds": seconds_per_call(inference(generator))[0]}))


if __name__ == "__main__":
    main()
