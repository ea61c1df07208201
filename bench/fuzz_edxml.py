"""Fuzz the edXML reader: at least 100,000 inputs, only ``EdxmlError`` may come out.

    uv run python -m bench.fuzz_edxml                     # 100,000 inputs, seed 20261201
    uv run python -m bench.fuzz_edxml --inputs 300000 --batch 5000 --json out.json

Inputs come from the strategies of ``vanthu/exchange/tests/fuzzing.py`` (mutated published
and own packets, mutated zips inside attachments, mutated base64, random bytes), drawn by
hypothesis in batches of ``--batch`` examples, each batch a fresh engine with its own seed
(hypothesis remembers every example of a run; batches keep that memory bounded). Inputs
alternate between the strict reader and the one that reports unreadable attachments.
Prints inputs run, outcomes by error code, recoveries, unexpected exceptions (with the first
bytes of each input) and the resident memory after each batch and at its peak.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import resource
import sys
import time
import traceback

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import seed as hypothesis_seed

from vanthu.exchange.edxml import EdxmlError, read_packet
from vanthu.exchange.tests.fuzzing import published_seeds, reader_inputs

PAGE = os.sysconf("SC_PAGE_SIZE")


def rss_mib() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * PAGE / 2**20


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inputs", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=5_000)
    parser.add_argument("--seed", type=int, default=20261201)
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args()

    outcomes: collections.Counter[str] = collections.Counter()
    recoveries: collections.Counter[str] = collections.Counter()
    unexpected: list[dict[str, str]] = []
    rss_after_batch: list[float] = []
    sizes = {"max": 0, "total": 0}
    count = 0
    started = time.monotonic()
    print(f"published seeds: {len(published_seeds())} | start RSS {rss_mib():.0f} MiB")

    def feed(raw: bytes) -> None:
        nonlocal count
        count += 1
        sizes["max"] = max(sizes["max"], len(raw))
        sizes["total"] += len(raw)
        mode = "refuse" if count % 2 else "report"
        try:
            parsed = read_packet(raw, unreadable_attachments=mode)
        except EdxmlError as exc:
            outcomes[exc.code.value] += 1
        except Exception as exc:
            outcomes["UNEXPECTED " + type(exc).__name__] += 1
            if len(unexpected) < 50:
                unexpected.append(
                    {
                        "exception": repr(exc)[:300],
                        "input_head": repr(raw[:300]),
                        "traceback": traceback.format_exc()[-1500:],
                    }
                )
        else:
            outcomes["read"] += 1
            for recovery in parsed.recoveries:
                recoveries[recovery.code.value] += 1

    batch = 0
    while count < args.inputs:
        size = min(args.batch, args.inputs - count)

        @hypothesis_seed(args.seed + batch)
        @settings(
            max_examples=size,
            database=None,
            deadline=None,
            phases=[Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(reader_inputs())
        def run(raw: bytes) -> None:
            feed(raw)

        before = count
        run()
        batch += 1
        rss_after_batch.append(round(rss_mib(), 1))
        elapsed = time.monotonic() - started
        print(
            f"batch {batch}: {count - before} inputs (total {count}) in {elapsed:.0f} s,"
            f" RSS {rss_after_batch[-1]:.0f} MiB"
        )
        if count == before:
            print("hypothesis produced no input; stopping", file=sys.stderr)
            break

    elapsed = time.monotonic() - started
    result = {
        "inputs": count,
        "seconds": round(elapsed, 1),
        "inputs_per_second": round(count / elapsed, 1),
        "outcomes": dict(outcomes.most_common()),
        "recoveries": dict(recoveries.most_common()),
        "unexpected": unexpected,
        "largest_input_bytes": sizes["max"],
        "mean_input_bytes": round(sizes["total"] / max(count, 1)),
        "rss_after_batch_mib": rss_after_batch,
        "max_rss_mib": round(peak_rss_mib(), 1),
    }
    print(json.dumps({k: v for k, v in result.items() if k != "unexpected"}, indent=2))
    for item in unexpected:
        print("UNEXPECTED", item["exception"], item["input_head"], item["traceback"], sep="\n")
    if args.json:
        with open(args.json, "w") as out:
            json.dump(result, out, indent=2, ensure_ascii=False)
    return 1 if unexpected else 0


if __name__ == "__main__":
    sys.exit(main())
