"""API endpoints (DESIGN.md §6), one module per part of the contract."""
