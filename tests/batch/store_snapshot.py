"""A store's content as comparable data: every table's rows, sorted, without clock readings."""

from __future__ import annotations

from sqlalchemy import create_engine

from claimscope.store.schema import metadata

# When a row was written, not what it says: two correct runs differ here and only here.
CLOCK_COLUMNS = {"ingested_at", "done_at", "first_seen", "last_seen", "seen_at", "checked_at",
                 "changed_at", "at"}
# Surrogate keys numbered by insertion; the rows' natural keys are compared instead.
SURROGATE = {("rejections", "id")}


def snapshot(url: str) -> dict[str, list[tuple]]:
    engine = create_engine(url)
    found = {}
    try:
        with engine.connect() as conn:
            for name, table in metadata.tables.items():
                columns = [c.name for c in table.columns
                           if c.name not in CLOCK_COLUMNS and (name, c.name) not in SURROGATE]
                query = "SELECT " + ", ".join(f'"{c}"' for c in columns) + f' FROM "{name}"'
                found[name] = sorted((tuple(row) for row in conn.exec_driver_sql(query)), key=repr)
    finally:
        engine.dispose()
    return found


def differences(left: dict[str, list[tuple]], right: dict[str, list[tuple]]) -> list[str]:
    """One line per table whose rows differ (counts and the first differing row)."""
    lines = []
    for name in sorted(set(left) | set(right)):
        a, b = left.get(name, []), right.get(name, [])
        if a != b:
            first = next((pair for pair in zip(a, b) if pair[0] != pair[1]), None)
            lines.append(f"{name}: {len(a)} vs {len(b)} rows; first difference {first!r:.300}")
    return lines
