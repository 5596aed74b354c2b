"""The browser workbench (`assess serve`): fill in, assess and fix a plan without writing YAML.

Needs the ``web`` extra (Flask and ruamel.yaml): ``pip install 'assess-social-plan[web]'``.
Nothing else in `assess` imports this package.
"""
