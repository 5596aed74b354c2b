"""Benchmarks: cold CLI start side by side with check-jsonschema, library throughput, memory."""
