"""Sources outside the units' forms, one module each, registered on import (kit.intake.feeds.registry).

Adding a source: a module here with its reader and one ``register(FeedKind(…))``, imported below.
"""

from kit.intake.feeds import dvc766, inspections, surveys  # noqa: F401  (each registers its source)
from kit.intake.feeds.registry import (  # noqa: F401  (the seam's API, importable from the package)
    FEED_COLUMNS,
    Collector,
    FeedKind,
    Feeds,
    FeedTable,
    Indicator,
    kind,
    kinds,
    read_feed,
    read_feeds,
    register,
    unregister,
    year_values,
)
