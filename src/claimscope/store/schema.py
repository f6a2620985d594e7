"""Table definitions (SQLAlchemy Core), generic types only so SQLite and PostgreSQL both work.

Ids and free text are unbounded (``String()`` / ``Text``): PostgreSQL enforces lengths, and an
id scheme or a long source name must never make a write fail.

Filterable fields get flat columns; the full record is kept as JSON in ``record`` so a claim
can be rebuilt exactly (``plain.claim_from_plain``). Migrations in ``migrations/versions``
must produce exactly these tables; ``tests/test_store.py`` checks that they do.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    LargeBinary,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()

articles = Table(
    "articles",
    metadata,
    Column("id", String(), primary_key=True),
    Column("title", Text),
    Column("url", Text),
    Column("outlet", Text),
    Column("author", Text),
    Column("published", DateTime(timezone=True)),
    Column("lang", String(16), nullable=False),
    Column("fingerprint", Text, nullable=False),
    Column("origin_path", Text),
    Column("text", Text, nullable=False),
    # Everything but ``text``, which has its own column and would double the row's size.
    Column("record", JSON, nullable=False),
    Column("ingested_at", DateTime(timezone=True), nullable=False),
)

claims = Table(
    "claims",
    metadata,
    Column("id", String(), primary_key=True),
    Column("article_id", String(), ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
    Column("position", Integer, nullable=False),  # order within the article, as extracted
    Column("source_name", Text, nullable=False),
    Column("source_type", String(32), nullable=False),
    Column("certainty", String(32), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("origin", String(16), nullable=False),
    Column("cue_text", Text),
    Column("cue_start", Integer),
    Column("cue_end", Integer),
    Column("content_text", Text, nullable=False),
    Column("content_start", Integer, nullable=False),
    Column("content_end", Integer, nullable=False),
    Column("content_field", String(16), nullable=False),
    Column("channel", Text),
    Column("restates", String()),
    Column("confidence", Float, nullable=False),
    Column("record", JSON, nullable=False),
    # The article's publication time (UTC), kept on each claim so that listing claims in
    # reading order needs no join: ix_claims_reading_order below serves the sort.
    Column("published", DateTime(timezone=True)),
    Index("ix_claims_article_id", "article_id"),
    Index("ix_claims_source_type", "source_type"),
    Index("ix_claims_certainty", "certainty"),
)
# Claims in reading order (pages.CLAIM_ORDER, queries.claims_select): oldest articles first,
# undated ones last, each article's claims in text order. A page of a big store, filtered or
# not, then reads the index in order and stops after one page instead of sorting every match.
Index("ix_claims_reading_order", claims.c.published.is_(None), claims.c.published,
      claims.c.article_id, claims.c.position)

figures = Table(
    "figures",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("claim_id", String(), ForeignKey("claims.id", ondelete="CASCADE"), nullable=False),
    Column("position", Integer, nullable=False),
    Column("type", String(32), nullable=False),
    Column("low", Integer),
    Column("best", Integer),
    Column("high", Integer),
    Column("approx", Boolean, nullable=False),
    Column("derived", Boolean, nullable=False),
    Column("qualifier", Text),
    Column("span_start", Integer, nullable=False),
    Column("span_end", Integer, nullable=False),
    Column("span_text", Text, nullable=False),
    Index("ix_figures_claim_id", "claim_id"),
    Index("ix_figures_type", "type"),
)

claim_times = Table(
    "claim_times",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("claim_id", String(), ForeignKey("claims.id", ondelete="CASCADE"), nullable=False),
    Column("position", Integer, nullable=False),
    Column("start", Date),
    Column("end", Date),
    Column("precision", String(16), nullable=False),
    Column("note", Text),
    Column("span_start", Integer, nullable=False),
    Column("span_end", Integer, nullable=False),
    Column("span_text", Text, nullable=False),
    Index("ix_claim_times_claim_id", "claim_id"),
)

rejections = Table(
    "rejections",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("item", Text, nullable=False),
    Column("stage", String(32), nullable=False),
    Column("code", String(16), nullable=False),
    Column("reason", Text, nullable=False),
    Column("first_seen", DateTime(timezone=True), nullable=False),
    Column("last_seen", DateTime(timezone=True), nullable=False),
    Column("count", Integer, nullable=False),
    # One row per item and failure: a re-run bumps ``count`` instead of adding a row.
    UniqueConstraint("item", "stage", "code", name="uq_rejections_item_stage_code"),
)

events = Table(
    "events",
    metadata,
    Column("id", String(), primary_key=True),
    Column("article_id", String(), ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
    Column("position", Integer, nullable=False),
    Column("code", String(64), nullable=False),
    Column("event_type", Text, nullable=False),
    Column("sub_event_type", Text, nullable=False),
    Column("plover", String(32), nullable=False),
    Column("certainty", String(32), nullable=False),
    Column("trigger_text", Text, nullable=False),
    Column("trigger_start", Integer, nullable=False),
    Column("trigger_end", Integer, nullable=False),
    Column("trigger_field", String(16), nullable=False),
    Column("date_start", Date),
    Column("date_end", Date),
    Column("time_precision", String(16), nullable=False),
    Column("actor1", Text),
    Column("actor1_country", String(8)),
    Column("actor2", Text),
    Column("actor2_country", String(8)),
    Column("actors", Text),  # every participant's name, victims included, for filtering
    Column("place", Text),
    Column("country", String(8)),
    Column("admin1_code", String(16)),
    Column("latitude", Float),
    Column("longitude", Float),
    Column("geo_precision", Integer),
    Column("record", JSON, nullable=False),
    Index("ix_events_article_id", "article_id"),
    Index("ix_events_code", "code"),
    Index("ix_events_country", "country"),
    Index("ix_events_actor1", "actor1"),
    Index("ix_events_date_start", "date_start"),
)

event_claims = Table(
    "event_claims",
    metadata,
    Column("event_id", String(), ForeignKey("events.id", ondelete="CASCADE"), primary_key=True),
    Column("claim_id", String(), ForeignKey("claims.id", ondelete="CASCADE"), primary_key=True),
    Column("position", Integer, nullable=False),
    Index("ix_event_claims_claim_id", "claim_id"),
)

# --- corroboration across articles (corroborate/, store/corroboration.py) -----------------

article_signatures = Table(
    "article_signatures",
    metadata,
    Column("article_id", String(), ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    Column("signature", LargeBinary, nullable=False),  # MinHash values of the body's shingles
    Column("copy_of", String()),  # the earlier article this one copies, if any
    Column("similarity", Float),
)

signature_bands = Table(
    "signature_bands",
    metadata,
    Column("band", Integer, primary_key=True),
    Column("hash", String(16), primary_key=True),
    Column("article_id", String(), ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    Index("ix_signature_bands_article_id", "article_id"),  # re-writing an article forgets its bands
)

claim_groups = Table(
    "claim_groups",
    metadata,
    Column("id", String(), primary_key=True),
    Column("block", Text, nullable=False),  # figure type | counted people's country | place country
    Column("figure_type", String(32), nullable=False),
    # The first reading of the group: later claims join when compatible with it.
    Column("low", Integer),
    Column("best", Integer),
    Column("high", Integer),
    Column("period_start", Date),
    Column("period_end", Date),
    Index("ix_claim_groups_block", "block"),
    Index("ix_claim_groups_block_period", "block", "period_end"),
)

group_members = Table(
    "group_members",
    metadata,
    Column("claim_id", String(), ForeignKey("claims.id", ondelete="CASCADE"), primary_key=True),
    Column("position", Integer, primary_key=True),  # the figure's place among the claim's figures
    Column("group_id", String(), ForeignKey("claim_groups.id", ondelete="CASCADE"), nullable=False),
    Column("article_id", String(), ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
    Column("root_key", Text, nullable=False),
    Column("root_name", Text, nullable=False),
    Column("root_type", String(32), nullable=False),
    Column("path", JSON, nullable=False),
    Column("outlet", Text, nullable=False),
    Column("published", DateTime(timezone=True)),
    Column("certainty", String(32), nullable=False),
    Column("origin", String(16), nullable=False),
    Column("low", Integer),
    Column("best", Integer),
    Column("high", Integer),
    Column("period_start", Date),
    Column("period_end", Date),
    Index("ix_group_members_group_id", "group_id"),
    Index("ix_group_members_article_id", "article_id"),
)

stories = Table(
    "stories",
    metadata,
    Column("id", String(), primary_key=True),
    Column("block", Text, nullable=False),  # event code | country
    Column("code", String(64), nullable=False),
    Column("date_start", Date),
    Column("date_end", Date),
    Index("ix_stories_block", "block"),
)

story_events = Table(
    "story_events",
    metadata,
    Column("event_id", String(), ForeignKey("events.id", ondelete="CASCADE"), primary_key=True),
    Column("story_id", String(), ForeignKey("stories.id", ondelete="CASCADE"), nullable=False),
    Column("article_id", String(), ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
    Index("ix_story_events_story_id", "story_id"),
    Index("ix_story_events_article_id", "article_id"),
)

# --- the team server: accounts, API tokens, reviews (serve/, store/accounts.py, reviews.py) ----

users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("username", String(), nullable=False),
    Column("password_hash", Text, nullable=False),  # argon2id, with its parameters and salt
    Column("role", String(16), nullable=False),  # viewer | reviewer | admin
    Column("created", DateTime(timezone=True), nullable=False),
    UniqueConstraint("username", name="uq_users_username"),
)

api_tokens = Table(
    "api_tokens",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    # sha256 of the token: the token itself is shown once and never stored.
    Column("token_hash", String(64), nullable=False),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("name", Text, nullable=False),
    Column("created", DateTime(timezone=True), nullable=False),
    Column("last_used", DateTime(timezone=True)),
    UniqueConstraint("token_hash", name="uq_api_tokens_token_hash"),
    Index("ix_api_tokens_user_id", "user_id"),
)

# Append-only: every review action is a new row, a new version of the claim's review; the
# claim's own row is never changed. No foreign key to claims: re-ingesting an article deletes
# and re-inserts its claims (same ids), and the review history must survive that.
claim_reviews = Table(
    "claim_reviews",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("claim_id", String(), nullable=False),
    Column("version", Integer, nullable=False),  # 1, 2, ... per claim
    Column("action", String(16), nullable=False),  # accept | reject | correct
    Column("field", String(32)),  # what a correction changes; None for accept / reject
    Column("old_value", JSON),
    Column("new_value", JSON),
    Column("reason", Text, nullable=False),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="SET NULL")),
    Column("username", Text, nullable=False),  # kept as written: the audit outlives accounts
    Column("at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("claim_id", "version", name="uq_claim_reviews_claim_version"),
)

# Intake bookkeeping (migration 0007): what the fetcher, the feed watcher and batch runs have
# already done, so that a restart repeats nothing. Written in the same transaction as the
# articles they describe.

# The last answer of each fetched URL: the validators for a conditional GET next time.
fetch_state = Table(
    "fetch_state",
    metadata,
    Column("url", Text, primary_key=True),
    Column("etag", Text),
    Column("last_modified", Text),
    Column("status", Integer),  # the last HTTP status (304 included); None when it failed
    Column("content_hash", String(64)),  # of the last body, to see an unchanged page cheaply
    Column("article_id", String()),
    Column("error", Text),  # the last failure's code and reason
    Column("checked_at", DateTime(timezone=True), nullable=False),
    Column("changed_at", DateTime(timezone=True)),
)

# One row per feed entry ever handled: an entry is processed once, across restarts.
feed_items = Table(
    "feed_items",
    metadata,
    Column("feed_url", Text, primary_key=True),
    Column("item_key", Text, primary_key=True),  # the entry's id, else its link
    Column("link", Text),
    Column("article_id", String()),
    Column("outcome", String(16), nullable=False),  # stored | rejected
    Column("seen_at", DateTime(timezone=True), nullable=False),
)

# One row per input item a batch job finished (stored or rejected): a resumed job skips them.
batch_journal = Table(
    "batch_journal",
    metadata,
    Column("job", String(), primary_key=True),
    Column("item_key", Text, primary_key=True),
    Column("article_id", String()),
    Column("outcome", String(16), nullable=False),  # stored | rejected
    Column("done_at", DateTime(timezone=True), nullable=False),
)
