"""A measurement, not a model: how well a linear read of the MiniLM embedding of the instruction
alone tells harmful requests from benign ones on AgentHarm validation, when it is fitted only on
training sources: the agentharm suite's training tasks (risky against benign, from the episodes
`make run` recorded in runs/data/envs-train.h5) and HarmActions' prompts (harmful or unethical
against safe). AgentHarm is only scored, never fitted on. Prints the AUC and, at probability 0.5,
the share of harmful behaviours flagged and of benign twins passed.

    safemcp data import --format agentharm ../shared/data/agentharm --out runs/data/agentharm-eval.h5
    .venv/bin/python tools/intent_probe.py runs/data/agentharm-eval.h5"""

import argparse
import glob
import json
import re

import h5py
import numpy as np


def episodes(path):
    with h5py.File(path, "r") as file:
        return ([text.decode() for text in file["episodes/id"][:]], [text.decode() for text in file["episodes/instruction"][:]],
                file["episodes/instruction_embedding"][:], [json.loads(text) for text in file["episodes/json"][:]])


def task_kinds(suite):
    kinds = {}
    for path in glob.glob(f"envs/{suite}/tasks/*.yaml"):
        for match in re.finditer(r"- id: (\S+)\n\s+domain: \S+\n\s+kind: (\w+)", open(path, encoding="utf-8").read()):
            kinds[match.group(1)] = match.group(2)
    return kinds


def distinct(pairs):
    """One example per instruction text: the recorded episodes repeat each task many times."""
    seen = {}
    for text, vector, label in pairs:
        seen.setdefault(text, (vector, label))
    return np.array([v for v, _ in seen.values()]), np.array([y for _, y in seen.values()], dtype=float)


def fit(x, y, l2=1.0, steps=3000, rate=0.5):
    """Logistic regression by full-batch gradient descent, the classes weighted to balance."""
    weights, bias = np.zeros(x.shape[1]), 0.0
    sample = np.where(y == 1, (len(y) - y.sum()) / max(y.sum(), 1), 1.0)
    sample /= sample.mean()
    for _ in range(steps):
        error = sample * (1 / (1 + np.exp(-(x @ weights + bias))) - y)
        weights -= rate * (x.T @ error / len(y) + l2 * weights / len(y))
        bias -= rate * error.mean()
    return weights, bias


def auc(scores, y):
    positive, negative = scores[y == 1], scores[y == 0]
    return (positive[:, None] > negative[None, :]).mean() + 0.5 * (positive[:, None] == negative[None, :]).mean()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("agentharm", help="AgentHarm validation imported as a dataset (evaluation only)")
    arguments = parser.parse_args()
    kinds = task_kinds("agentharm")
    train = []
    ids, texts, vectors, _ = episodes("runs/data/envs-train.h5")
    for episode, text, vector in zip(ids, texts, vectors):
        suite, task = episode.split("/")[:2]
        if suite == "agentharm" and task in kinds:
            train.append((text, vector, 1 if kinds[task] == "risky" else 0))
    _, texts, vectors, records = episodes("runs/data/harmactions.h5")
    for text, vector, record in zip(texts, vectors, records):
        train.append((text, vector, 0 if (record.get("metadata") or {}).get("classification") == "safe" else 1))
    test = []
    _, texts, vectors, records = episodes(arguments.agentharm)
    for text, vector, record in zip(texts, vectors, records):
        kind = (record.get("metadata") or {}).get("kind")
        if kind in ("harmful", "benign"):
            test.append((text, vector, 1 if kind == "harmful" else 0))
    x, y = distinct(train)
    x_test, y_test = distinct(test)
    weights, bias = fit(x, y)
    scores = x_test @ weights + bias
    flagged = 1 / (1 + np.exp(-scores)) >= 0.5
    print(f"fitted on {len(y)} instructions ({int(y.sum())} harmful); AgentHarm validation: {int(y_test.sum())} harmful, "
          f"{int(len(y_test) - y_test.sum())} benign")
    print(f"AUC {auc(scores, y_test):.3f}; at 0.5: harmful flagged {flagged[y_test == 1].mean():.2f}, benign passed {(~flagged[y_test == 0]).mean():.2f}")


if __name__ == "__main__":
    main()
