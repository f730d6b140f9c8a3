"""The timer every reference script of `safemcp-bench` shares (tools/bench_encoder_reference.py,
bench_torch_classifier.py, bench_torch_stage2.py), so ours and each reference's figures are
medians taken the same way."""

import time


def seconds_per_call(body, iterations=None, rounds=5, warmup=1):
    """Wall seconds per call of `body`, the median of `rounds` rounds of `iterations` calls after
    `warmup` rounds, and the process CPU seconds per call over every round. Without
    `iterations`, a round is as many calls as take about 0.2 s, judged from one call."""
    if iterations is None:
        start = time.perf_counter()
        body()
        iterations = max(1, int(0.2 / max(time.perf_counter() - start, 1e-7)))
    cpu_start = time.process_time()
    for _ in range(warmup * iterations):
        body()
    per_call = []
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(iterations):
            body()
        per_call.append((time.perf_counter() - start) / iterations)
    cpu = (time.process_time() - cpu_start) / ((warmup + rounds) * iterations)
    return sorted(per_call)[rounds // 2], cpu
