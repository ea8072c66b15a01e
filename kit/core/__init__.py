"""Layer 0: what every other layer uses: errors, problems, vocabulary enums, reading typed values, YAML."""
