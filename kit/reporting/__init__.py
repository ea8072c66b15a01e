"""Layer 6: what report notebooks call: tables behind the reports, charts, HTML display."""
