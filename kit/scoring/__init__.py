"""Layer 3: pure computations on checked tables: proposals, totals, bands, ranks, results, commendation."""
