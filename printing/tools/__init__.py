"""Developer tools for the printouts' resources; the desk itself never runs them."""
