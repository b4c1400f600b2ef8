"""Verification beside the ledger. One submodule per concern; each helper adds its own line below."""

from .acceptance import *  # noqa: F403
from .appeal import *  # noqa: F403
from .assessment import *  # noqa: F403
from .extension import *  # noqa: F403
from .profile import *  # noqa: F403
from .spotcheck import *  # noqa: F403
from .units import *  # noqa: F403
