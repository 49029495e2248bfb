"""Slow, obviously-correct reference implementations used as test oracles (no famgraph imports)."""
