"""resolve stage: actors, places and dates with precision (filled by the events issue)."""
