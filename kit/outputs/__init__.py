"""Layer 4: files the kit writes: safe xlsx/csv, forms, result workbooks, proposal lists, rendered notebooks."""
