"""The benchmark: a deterministic data generator (`generate.py`) and the timing runs (`run.py`).
Never part of `make test` (see README.md here); one small test keeps the generator from rotting."""
