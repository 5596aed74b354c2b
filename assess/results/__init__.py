"""What an assessment yields: scores, suppressions, baselines, gates, diffs, portfolios, the report model."""
