"""datacollab: data collaborations and the peer learning networks that support them."""

__version__ = "0.1.0"
