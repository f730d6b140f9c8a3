"""Splits HarmActions into K stratified folds for tools/cross-validate.sh: for each fold k it
writes test-k.json (the fold's rows) and train-k.json (every other row), in the dataset's own
format, so `safemcp data import --format harmactions` reads both. Rows are shuffled within each
class by the seed, then dealt to the folds in turn (one count across the classes), so the folds
differ by at most one row and hold the classes in nearly the same proportions; the same seed
gives the same files."""

import argparse
import json
import os
import random


def deal(rows, folds, seed):
    """The fold of each row index, as the module docstring says; tools/cross_encoder_probe.py
    reads the same folds through it."""
    generator = random.Random(seed)
    fold_of = {}
    dealt = 0
    for label in sorted({str(row.get("classification")).lower() for row in rows}):
        members = [index for index, row in enumerate(rows) if str(row.get("classification")).lower() == label]
        generator.shuffle(members)
        for index in members:
            fold_of[index] = dealt % folds
            dealt += 1
    return fold_of


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("dataset", help="harmactions_dataset.json")
    parser.add_argument("folds", type=int)
    parser.add_argument("out", help="folder for train-K.json and test-K.json")
    parser.add_argument("--seed", type=int, default=7)
    arguments = parser.parse_args()
    with open(arguments.dataset, encoding="utf-8") as file:
        rows = json.load(file)
    if not isinstance(rows, list) or len(rows) < arguments.folds or arguments.folds < 2:
        raise SystemExit(f"{arguments.dataset}: need a JSON array of at least {arguments.folds} rows and 2 or more folds")
    fold_of = deal(rows, arguments.folds, arguments.seed)
    os.makedirs(arguments.out, exist_ok=True)
    for fold in range(arguments.folds):
        for name, keep in (("test", lambda index: fold_of[index] == fold), ("train", lambda index: fold_of[index] != fold)):
            with open(os.path.join(arguments.out, f"{name}-{fold}.json"), "w", encoding="utf-8") as file:
                json.dump([row for index, row in enumerate(rows) if keep(index)], file)
        print(f"fold {fold}: {sum(1 for index in fold_of if fold_of[index] == fold)} test rows")


if __name__ == "__main__":
    main()
