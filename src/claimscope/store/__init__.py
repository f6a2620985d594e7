"""store stage: claims and rejections in SQLite or PostgreSQL, migrated with Alembic."""

from claimscope.store.frame import claims_frame
from claimscope.store.plain import from_plain
from claimscope.store.queries import ClaimFilters
from claimscope.store.reviews import ClaimNotFound, Review, ReviewedClaim, ReviewError
from claimscope.store.store import RejectionRecord, Store, StoreError

__all__ = ["ClaimFilters", "ClaimNotFound", "RejectionRecord", "Review", "ReviewError",
           "ReviewedClaim", "Store", "StoreError", "claims_frame", "from_plain"]
