"""Local servers that speak outside services' real protocols, for tests (never patch our code)."""
