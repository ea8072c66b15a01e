"""Layer 3 (beside scoring, independent of it): the gradebook, where human decisions are kept."""
