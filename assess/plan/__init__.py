"""Reading a plan: bytes to a document with its source map, schema validation, the typed model.

``load`` parses JSON or YAML with positions, ``validate`` checks the schema and the references
by id, ``model`` is the typed plan (and the source of ``schemas/plan.schema.json``), ``discover``
finds plan files, ``starter`` writes the ``assess init`` starter.
"""
