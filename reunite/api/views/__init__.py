"""API endpoints (docs/api.md), one module per part of the contract."""
