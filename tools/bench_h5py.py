"""The reference for `safemcp-bench --only hdf5`: h5py doing the same work as
Sources/Benchmarks/HDF5StoreBenchmark.swift (uniform floats in [-1, 1), same chunking and filters),
in the same run. Run with .venv/bin/python tools/bench_h5py.py; prints one JSON object, the median
seconds of each measurement by the name the Swift benchmark gives it."""
import json
import os
import tempfile
import time

import h5py
import numpy as np

ROWS, WIDTH = 10_000, 384


def seconds(body, rounds):
    body()
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        body()
        times.append(time.perf_counter() - start)
    return sorted(times)[rounds // 2]


def main():
    folder = tempfile.mkdtemp()
    floats = np.random.default_rng(0).random((ROWS, WIDTH), dtype=np.float32) * 2 - 1
    texts = [f"step {i}: " + "the agent calls read_file with path /tmp/x and gets ü " * 4 for i in range(ROWS)]
    floats_path = os.path.join(folder, "floats.h5")
    strings_path = os.path.join(folder, "strings.h5")

    def write_floats():
        with h5py.File(floats_path, "w", libver=("v108", "v110")) as f:
            f.create_dataset("embeddings", data=floats, chunks=(170, WIDTH), maxshape=(None, WIDTH),
                             compression="gzip", compression_opts=1, shuffle=True)

    def read_floats():
        with h5py.File(floats_path, "r") as f:
            f["embeddings"][()]

    def write_strings():
        with h5py.File(strings_path, "w", libver=("v108", "v110")) as f:
            f.create_dataset("texts", data=texts, dtype=h5py.string_dtype(), chunks=(1024,), maxshape=(None,),
                             compression="gzip", compression_opts=1, shuffle=True)

    def read_strings():
        with h5py.File(strings_path, "r") as f:
            [text.decode("utf-8") for text in f["texts"][()]]

    figures = {
        "write 10k×384 float32, gzip 1 + shuffle": seconds(write_floats, 3),
        "read 10k×384 float32": seconds(read_floats, 5),
        "write 10k UTF-8 strings": seconds(write_strings, 5),
        "read 10k UTF-8 strings": seconds(read_strings, 5),
    }
    print(json.dumps({"h5py": h5py.__version__, "seconds": figures}, ensure_ascii=False))


if __name__ == "__main__":
    main()
