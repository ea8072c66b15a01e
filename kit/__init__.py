"""Evaluation kit for the CCHC emulation movement (phong trào thi đua CCHC), Châu Thành 2022-2025.

The package holds the logic; notebooks only narrate and call it.
"""

__version__ = "0.1.0"
