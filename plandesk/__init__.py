"""plandesk: the e-government approval system of a city planning bureau."""

__version__ = "0.1.0"
