"""The PyTorch reference for `safemcp-bench --only training`: the stage-2 training step of
Sources/Training/SupervisedInit+Throughput.swift in PyTorch — the same policy network
(Sources/Training/SupervisedInit.swift, default config), the same batch (random normal inputs
of MiniLM-sized features, 8 tool embeddings per example), the same losses, clipping and AdamW —
timed the way Sources/Benchmarks/Stopwatch.swift times ours (one warm-up round, median of five).

Run with .venv-torch/bin/python (tools/bench-torch.sh makes it); prints one JSON object:
{"torch": version, "threads": n, "examples_per_second": {"32": rate, "64": rate},
"examples_per_cpu_second": {...}} (wall-clock rates, and rates per second of process CPU time)."""
import argparse
import json

import torch
from torch import nn
from torch.nn import functional

from bench_timing import seconds_per_call

DIMENSION = 384
# StateFeatures.parts · dimension + WorldModelTraining.predictionWidth(dimension).
INPUTS = 5 * DIMENSION + DIMENSION + 4
HIDDEN, TOOL_HIDDEN, DROPOUT = 256, 128, 0.1
WEIGHT_DECAY, GRADIENT_CLIP, LEARNING_RATE = 0.01, 1.0, 1e-3
CLASS_WEIGHTS = [1.0, 2.0, 1.0]


class PolicyNetwork(nn.Module):
    def __init__(self):
        super().__init__()
        self.trunk = nn.Sequential(
            nn.Linear(INPUTS, HIDDEN), nn.LayerNorm(HIDDEN), nn.GELU(), nn.Dropout(DROPOUT),
            nn.Linear(HIDDEN, HIDDEN), nn.LayerNorm(HIDDEN), nn.GELU(),
        )
        self.verdict_head = nn.Linear(HIDDEN, 3)
        self.tool_head = nn.Sequential(nn.Linear(HIDDEN + DIMENSION, TOOL_HIDDEN), nn.GELU(), nn.Linear(TOOL_HIDDEN, 1))

    def forward(self, inputs, pair_rows, pair_embeddings):
        summary = self.trunk(inputs)
        pairs = torch.cat([summary.index_select(0, pair_rows), pair_embeddings], dim=1)
        return self.verdict_head(summary), self.tool_head(pairs)


def training_step(batch_size, tools_per_step):
    """A closure training one batch, with its data made once as the Swift benchmark does."""
    generator = torch.Generator().manual_seed(1)
    network = PolicyNetwork().train()
    # The fused kernel is PyTorch's fastest AdamW on CPU: it takes a third less CPU per step here
    # than the default, which runs several tensor operations per parameter.
    optimizer = torch.optim.AdamW(network.parameters(), lr=LEARNING_RATE, weight_decay=WEIGHT_DECAY, fused=True)
    batch = torch.randn(batch_size, INPUTS, generator=generator)
    tools = torch.randn(tools_per_step, DIMENSION, generator=generator)
    pair_rows = torch.arange(batch_size).repeat_interleave(tools_per_step)
    pair_embeddings = tools.repeat(batch_size, 1)
    targets = torch.arange(batch_size) % 3
    tool_targets = (torch.arange(batch_size * tools_per_step) % 2).float().unsqueeze(1)
    class_weights = torch.tensor(CLASS_WEIGHTS)

    def step():
        optimizer.zero_grad()
        verdicts, withhold = network(batch, pair_rows, pair_embeddings)
        loss = (functional.cross_entropy(verdicts, targets, weight=class_weights)
                + functional.binary_cross_entropy_with_logits(withhold, tool_targets))
        loss.backward()
        nn.utils.clip_grad_norm_(network.parameters(), GRADIENT_CLIP)
        optimizer.step()

    return step


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--batches", type=int, nargs="+", default=[32, 64], help="batch sizes to measure")
    parser.add_argument("--tools-per-step", type=int, default=8, help="tool embeddings per example")
    parser.add_argument("--threads", type=int, default=2, help="torch.set_num_threads")
    arguments = parser.parse_args()
    torch.set_num_threads(arguments.threads)
    torch.manual_seed(0)
    rates, cpu_rates = {}, {}
    for batch_size in arguments.batches:
        step = training_step(batch_size, arguments.tools_per_step)
        seconds, cpu_seconds = seconds_per_call(step, iterations=max(1, 640 // batch_size))
        rates[str(batch_size)] = batch_size / seconds
        cpu_rates[str(batch_size)] = batch_size / cpu_seconds
    print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads(), "examples_per_second": rates,
                      "examples_per_cpu_second": cpu_rates}))


if __name__ == "__main__":
    main()
