"""Table models over lists of frozen dataclasses, their columns named by an Enum."""
