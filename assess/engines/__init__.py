"""Matching: a rule engine runs the compiled conditions over a plan's facts.

``durable`` wraps durable_rules; ``evaluate`` turns the matches into outcomes and findings.
"""
