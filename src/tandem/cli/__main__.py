"""`python -m tandem.cli …`, as `tandem serve` starts the task worker."""

import sys

from tandem.cli import main

sys.exit(main())
