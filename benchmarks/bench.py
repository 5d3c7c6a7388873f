"""Region-scale benchmark of the whole pipeline: see benchmarks/README.md.

    .venv/bin/python benchmarks/bench.py --sizes 1000 5000 10000

The same as ``docpipe bench``; the logic lives in ``docpipe.bench`` so that the CLI can call it.
"""

from __future__ import annotations

from docpipe.bench import main

if __name__ == "__main__":
    raise SystemExit(main())
