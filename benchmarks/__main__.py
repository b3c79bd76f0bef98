"""``make bench``: ratio benchmarks against peers, measured in the same run.

Today: generating the built-in delta against reading it from the disk cache, SPI on a whole
grid against the climate-indices package called cell by cell (benchmarks/bench_spi.py), and
the hazard pipeline's throughput in cell-days per second (benchmarks/bench_hazards.py), and one
and 100 members of flood-2022 end to end (benchmarks/bench_run.py; the 100 members take minutes).
Impact and logistics benchmarks arrive with their issues.
"""

import os
import tempfile

from benchmarks.timing import best_of
from sim import domain

def main() -> None:
    with tempfile.TemporaryDirectory() as cache:

        os.environ["SIM_CACHE_DIR"] = cache
        build = best_of(lambda: domain.build_delta(use_disk_cache=False))[0]
        domain.build_delta(use_disk_cache=True)
        cached = best_of(lambda: domain.build_delta(use_disk_cache=True))[0]
    print(f"built-in delta, 0.01° (370×370): generate {build:.3f} s, from disk cache {cached:.3f} s, ratio {build / cached:.1f}×")
    from benchmarks import bench_hazards, bench_plans, bench_run, bench_spi

    bench_spi.main()
    bench_hazards.main()
    bench_run.main()
    bench_plans.main()

if __name__ == "__main__":
    main()
