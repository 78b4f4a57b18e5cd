"""hubbub: the online side of events — live blog, programme, unconference and more."""

__version__ = "0.1.0"
