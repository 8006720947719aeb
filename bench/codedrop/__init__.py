"""Benchmark of code drops onto EFS against rsync into a live tree (issue 8)."""
