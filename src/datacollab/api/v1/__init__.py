"""Version 1 of the public API: the public face of the network, beside the datasets and
aggregates routers that live with their domains. These routers only read, and only through
the owning apps' selectors, so each thing is visible here exactly when its page is."""
