"""Shared fixtures of the Python tests: the tlsx command (the reference every test compares with), the
test data, and a small double-well library made with the command."""
import json
import os
import subprocess
from pathlib import Path

# One BLAS thread for the dense reference eigensolver (test_splitting.py): the cores are shared.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import pytest  # noqa: E402

import tlsx  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data"
LIQUID = DATA / "lammps_ka2_small.data"  # 343 KA2 particles, T = 1 liquid with velocities (tests/data/README.md)


@pytest.fixture(scope="session")
def cli():
    """Runs the tlsx command (TLSX_BINARY, default build/tlsx) and returns its --json object.
    A missing binary fails the tests: they are comparisons with it, not optional."""
    binary = Path(os.environ.get("TLSX_BINARY", ROOT / "build" / "tlsx"))
    if not binary.exists():
        pytest.fail(f"the tlsx command {binary} is missing: build it (scripts/build.sh) or set TLSX_BINARY")

    def run(*args, expect_ok=True):
        p = subprocess.run([str(binary), *map(str, args)], capture_output=True, text=True, timeout=900)
        if expect_ok:
            assert p.returncode == 0, f"tlsx {' '.join(map(str, args))} failed: {p.stderr}"
            return json.loads(p.stdout) if "--json" in args else None
        assert p.returncode != 0, f"tlsx {' '.join(map(str, args))} should have failed"
        return p.stderr

    return run


@pytest.fixture(scope="session")
def liquid():
    return tlsx.read_configuration(LIQUID)


@pytest.fixture(scope="session")
def small_library(tmp_path_factory, cli):
    """One N = 256 glass of tests/data/tiny_run.toml (glass id 1: it has candidate pairs, a split path
    and good double wells), made stage by stage with the command: prepare, explore, neb, splitting."""
    d = tmp_path_factory.mktemp("library")
    common = ["--seed", 11, "--backend", "cpu", "--checkpoint-every", 0]
    cli("prepare", "-o", d / "glasses.h5", "--temperature", 0.7, "--glasses", 1, "--first-glass", 1, "--n", 256,
        "--melt-steps", 500, "--steps", 1000, *common)
    cli("explore", d / "glasses.h5", "-o", d / "explore.h5", "--tau-cg", 20, "--n-cg", 60, "--temperature", 0.45,
        *common)
    cli("neb", d / "explore.h5", "-o", d / "neb.h5", "--images", 12, "--max-iterations", 4000, "--backend", "cpu",
        "--checkpoint-every", 0)
    cli("splitting", d / "neb.h5", "-o", d / "library.h5", "--mass", "5250,1200")
    return d / "library.h5"
