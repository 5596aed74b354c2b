"""The expert-labelled corpus and its quality gate (issue 12); see corpus/README.md."""
