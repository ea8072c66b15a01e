"""Evaluation kit for a CCHC emulation movement (phong trào thi đua CCHC): any campaign folder (``kit init``).

The package holds the logic; notebooks only narrate and call it.
"""

__version__ = "0.1.0"
