"""The {{ name }} service.

Its description and metadata are in pyproject.toml.
"""

__version__ = "0.1.0"
