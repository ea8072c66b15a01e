"""``python -m tools.demogen DIR`` writes the demo campaign into DIR (default: data)."""

from tools.demogen.generate import main

raise SystemExit(main())
