"""The heygen-studio code generator: one module per pipeline stage.

extract   docs pages -> vendored spec (openapi/heygen-api.json)
patch     vendored spec + Overlay patches -> patched spec
safety    refuse hostile specs before any generator reads them
generate  patched spec -> generated/ (openapi-python-client + datamodel-code-generator)
verify    regenerate into a temporary folder and compare with the committed tree
diff      compare two spec revisions, or two generated API surfaces
update    vendor a new definition, regenerate, diff, write the changelog

Run ``python -m codegen --help``.
"""
