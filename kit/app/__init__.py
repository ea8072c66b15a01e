"""Layer 5: composition: one year's state (the only place it is built), the pipeline, appraisal, offline work."""
