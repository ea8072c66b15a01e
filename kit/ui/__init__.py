"""Layer 6 (beside reporting, independent of it): ipywidgets panels for evaluators and the council."""
